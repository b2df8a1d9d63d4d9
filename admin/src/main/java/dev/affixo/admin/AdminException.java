package dev.affixo.admin;

/** A failure the user can act on; the CLI prints its message as one line and exits 1. */
public class AdminException extends RuntimeException {

    public AdminException(String message) {
        super(message);
    }

    public AdminException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.affixo.admin.keys;

/** A key just created: the only moment its plaintext token exists outside the caller's hands. */
public record CreatedKey(long id, String token) {
}

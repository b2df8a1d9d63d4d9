package dev.affixo.e2e;

/** Exit code and combined output of a finished command. */
record ProcessResult(int exitCode, String output) {
}

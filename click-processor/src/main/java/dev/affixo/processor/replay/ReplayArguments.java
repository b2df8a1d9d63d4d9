package dev.affixo.processor.replay;

/** What a replay was asked to do: the rows of clicks received in {@code range}, or only its plan. */
public record ReplayArguments(ReplayRange range, boolean dryRun) {
}

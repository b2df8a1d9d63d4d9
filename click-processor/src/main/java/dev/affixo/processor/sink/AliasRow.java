package dev.affixo.processor.sink;

import java.time.Instant;

/** One {@code visitor_aliases} upsert: the fingerprint now points at this visitor, as of {@code updatedAt}. */
public record AliasRow(long workspaceId, String fingerprint, String visitorId, Instant updatedAt) {
}

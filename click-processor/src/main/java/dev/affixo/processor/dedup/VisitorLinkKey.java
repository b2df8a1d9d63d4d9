package dev.affixo.processor.dedup;

import dev.affixo.common.ClickEvent;
import java.util.Objects;

/**
 * Key of {@code unique-anchors}: one canonical visitor on one link of one workspace, the unit the repeat rule
 * counts in. The workspace leads, so equal visitor ids of two workspaces never share an anchor.
 */
public record VisitorLinkKey(long workspaceId, String canonicalVisitorId, long linkId) {

    public VisitorLinkKey {
        Objects.requireNonNull(canonicalVisitorId, "canonicalVisitorId");
    }

    static VisitorLinkKey of(ClickEvent event, String canonicalVisitorId) {
        return new VisitorLinkKey(event.workspaceId(), canonicalVisitorId, event.linkId());
    }
}

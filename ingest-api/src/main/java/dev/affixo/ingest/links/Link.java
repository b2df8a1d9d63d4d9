package dev.affixo.ingest.links;

/** A referral link as cached for ref lookup. */
public record Link(long id, long workspaceId, long affiliateId, Long campaignId, String ref, boolean active) {

    LinkKey key() {
        return new LinkKey(workspaceId, ref);
    }
}

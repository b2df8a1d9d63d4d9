package dev.affixo.ingest.links;

/** A referral link as cached for ref lookup. */
public record Link(long id, long workspaceId, long affiliateId, Long campaignId, String ref, boolean active) {

    /** The cache key: refs are unique per workspace only. */
    public static String cacheKey(long workspaceId, String ref) {
        return workspaceId + ":" + ref;
    }

    public String cacheKey() {
        return cacheKey(workspaceId, ref);
    }
}

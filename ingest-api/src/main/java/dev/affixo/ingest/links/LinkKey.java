package dev.affixo.ingest.links;

/** What a link is looked up by: refs are unique per workspace only. */
record LinkKey(long workspaceId, String ref) {
}

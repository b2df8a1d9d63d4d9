package dev.affixo.common;

import java.time.Instant;
import java.util.Objects;

/**
 * One accepted click, exactly as the ingest API published it to the accepted-clicks topic.
 *
 * <p>The wire format is {@link ClickEventCodec}; this record is the current in-memory shape that every
 * older wire version is upgraded into.
 *
 * @param eventId         time-ordered id minted at ingest, or derived from (workspace, idempotency key)
 * @param visitorId       the visitor id the API replied with (cookie, fingerprint-derived or minted)
 * @param matchMethod     how the API assigned {@code visitorId}
 * @param matchConfidence the confidence the API replied with
 * @param keyId           id of the API key that sent the click
 * @param idempotencyKey  the caller's {@code Idempotency-Key}, or null
 * @param receivedAt      when the ingest API received the request
 */
public record ClickEvent(
        String eventId,
        long workspaceId,
        long linkId,
        long affiliateId,
        Long campaignId,
        String ref,
        String visitorId,
        MatchMethod matchMethod,
        double matchConfidence,
        String fingerprint,
        String url,
        String referrer,
        long keyId,
        String idempotencyKey,
        Instant receivedAt) {

    public ClickEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(visitorId, "visitorId");
        Objects.requireNonNull(matchMethod, "matchMethod");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /**
     * Whether both events carry the same click as the client sent it: the request's fields and what the API
     * derived from them alone (link, reply visitor). Two events with one event id (one Idempotency-Key) that
     * differ here are two bodies under one key; the first stored stays, the other is never mixed into it.
     * Not compared: when it arrived, which key sent it, the match confidence setting.
     */
    public boolean sameRequestAs(ClickEvent other) {
        return workspaceId == other.workspaceId
                && linkId == other.linkId
                && ref.equals(other.ref)
                && visitorId.equals(other.visitorId)
                && matchMethod == other.matchMethod
                && Objects.equals(fingerprint, other.fingerprint)
                && Objects.equals(url, other.url)
                && Objects.equals(referrer, other.referrer);
    }

    /**
     * Feeds exactly the fields {@link #sameRequestAs} compares, in a fixed order, into {@code digest}: the
     * processor remembers a request by this hash. Keep the two side by side; the order is persisted (hashes in
     * a changelog) and must not change.
     */
    public FieldDigest digestRequest(FieldDigest digest) {
        return digest.number(workspaceId).number(linkId).text(ref).text(visitorId).text(matchMethod.wire())
                .text(fingerprint).text(url).text(referrer);
    }

    /** The record key; see {@link ClickKeys#recordKey(ClickEvent)}. */
    public String recordKey() {
        return ClickKeys.recordKey(this);
    }
}

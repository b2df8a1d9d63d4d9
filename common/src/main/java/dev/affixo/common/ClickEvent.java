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
 * @param origin          user agent and what the API derived from the visitor's IP; {@link ClickOrigin#NONE}
 *                        when the client sent neither (never null)
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
        Instant receivedAt,
        ClickOrigin origin) {

    /** A click without {@code ip} or {@code user_agent} (wire version 1, the seed's clients). */
    public ClickEvent(String eventId, long workspaceId, long linkId, long affiliateId, Long campaignId, String ref,
                      String visitorId, MatchMethod matchMethod, double matchConfidence, String fingerprint, String url,
                      String referrer, long keyId, String idempotencyKey, Instant receivedAt) {
        this(eventId, workspaceId, linkId, affiliateId, campaignId, ref, visitorId, matchMethod, matchConfidence,
                fingerprint, url, referrer, keyId, idempotencyKey, receivedAt, ClickOrigin.NONE);
    }

    public ClickEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(visitorId, "visitorId");
        Objects.requireNonNull(matchMethod, "matchMethod");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(origin, "origin");
    }

    /** This click with another origin (the API adds it after building the event from the request). */
    public ClickEvent withOrigin(ClickOrigin newOrigin) {
        return new ClickEvent(eventId, workspaceId, linkId, affiliateId, campaignId, ref, visitorId, matchMethod,
                matchConfidence, fingerprint, url, referrer, keyId, idempotencyKey, receivedAt, newOrigin);
    }

    /**
     * Whether both events carry the same click as the client sent it: the request's fields and what the API
     * derived from them alone (link, reply visitor, the user agent and the hash of the visitor's IP). Two events with one event id (one Idempotency-Key) that
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
                && Objects.equals(referrer, other.referrer)
                && Objects.equals(origin.userAgent(), other.origin.userAgent())
                && Objects.equals(origin.ipHash(), other.origin.ipHash());
    }

    /**
     * Feeds exactly the fields {@link #sameRequestAs} compares, in a fixed order, into {@code digest}: the
     * processor remembers a request by this hash. Keep the two side by side; the order is persisted (hashes in
     * a changelog) and must not change. The fields of version 2 are fed only when present, each behind its own
     * tag, so a click without them hashes exactly as it did before they existed.
     */
    public FieldDigest digestRequest(FieldDigest digest) {
        digest.number(workspaceId).number(linkId).text(ref).text(visitorId).text(matchMethod.wire())
                .text(fingerprint).text(url).text(referrer);
        if (origin.userAgent() != null) {
            digest.text("user_agent").text(origin.userAgent());
        }
        if (origin.ipHash() != null) {
            digest.text("ip_hash").text(origin.ipHash());
        }
        return digest;
    }

    /** The record key; see {@link ClickKeys#recordKey(ClickEvent)}. */
    public String recordKey() {
        return ClickKeys.recordKey(this);
    }
}

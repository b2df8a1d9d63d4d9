package dev.affixo.infra.verify;

import dev.affixo.common.ClickEvent;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;

/**
 * One {@code clicks} row as a verifier compares it: every column the request and the event carry, plus the
 * two the processor derives. {@code processed_at} is left out (the processor's clock, nothing to predict).
 * {@code received_at} is compared in epoch milliseconds, the precision the event carries on the wire.
 */
public record StoredClick(
        String eventId,
        long workspaceId,
        long linkId,
        long affiliateId,
        Long campaignId,
        String ref,
        String visitorId,
        String matchMethod,
        float matchConfidence,
        String fingerprint,
        String url,
        String referrer,
        long keyId,
        String idempotencyKey,
        long receivedAtMillis,
        String canonicalVisitorId,
        String classification) {

    /** The row an accepted event must become, given what matching and dedup make of it. */
    public static StoredClick of(ClickEvent e, String canonicalVisitorId, String classification) {
        return new StoredClick(e.eventId(), e.workspaceId(), e.linkId(), e.affiliateId(), e.campaignId(), e.ref(),
                e.visitorId(), e.matchMethod().wire(), (float) e.matchConfidence(), e.fingerprint(), e.url(),
                e.referrer(), e.keyId(), e.idempotencyKey(), e.receivedAt().toEpochMilli(), canonicalVisitorId,
                classification);
    }

    /**
     * What differs between the rows a verifier expects and the rows stored, one line per missing row, extra
     * row or differing column (at most {@code 20} lines and a total), so a failure over thousands of rows
     * says what is wrong instead of printing both maps. Empty when they are equal.
     */
    public static List<String> differences(Map<String, StoredClick> expected, Map<String, StoredClick> stored) {
        List<String> lines = new ArrayList<>();
        expected.forEach((id, want) -> {
            StoredClick got = stored.get(id);
            if (got == null) {
                lines.add("missing row " + want);
            } else if (!got.equals(want)) {
                lines.add("row " + id + ": " + columnDifferences(want, got));
            }
        });
        stored.forEach((id, got) -> {
            if (!expected.containsKey(id)) {
                lines.add("unexpected row " + got);
            }
        });
        if (lines.size() > 20) {
            int total = lines.size();
            List<String> first = new ArrayList<>(lines.subList(0, 20));
            first.add("... " + (total - 20) + " more (" + total + " differences in all)");
            return first;
        }
        return lines;
    }

    private static String columnDifferences(StoredClick want, StoredClick got) {
        StringBuilder out = new StringBuilder();
        for (RecordComponent c : StoredClick.class.getRecordComponents()) {
            try {
                Object w = c.getAccessor().invoke(want);
                Object g = c.getAccessor().invoke(got);
                if (!Objects.equals(w, g)) {
                    out.append(c.getName()).append(" expected <").append(w).append("> but was <").append(g).append("> ");
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString().trim();
    }

    /** Every row of one workspace: event id → row. */
    public static Map<String, StoredClick> readAll(Jdbi jdbi, long workspaceId) {
        Map<String, StoredClick> rows = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        select event_id::text as event_id, workspace_id, link_id, affiliate_id, campaign_id, ref,
                               visitor_id, match_method, match_confidence, fingerprint, url, referrer, key_id,
                               idempotency_key,
                               (extract(epoch from received_at) * 1000)::int8 as received_at_ms,
                               canonical_visitor_id, classification
                        from clicks where workspace_id = :ws order by event_id""")
                .bind("ws", workspaceId)
                .map((rs, ctx) -> new StoredClick(
                        rs.getString("event_id"), rs.getLong("workspace_id"), rs.getLong("link_id"),
                        rs.getLong("affiliate_id"), rs.getObject("campaign_id", Long.class), rs.getString("ref"),
                        rs.getString("visitor_id"), rs.getString("match_method"), rs.getFloat("match_confidence"),
                        rs.getString("fingerprint"), rs.getString("url"), rs.getString("referrer"),
                        rs.getLong("key_id"), rs.getString("idempotency_key"), rs.getLong("received_at_ms"),
                        rs.getString("canonical_visitor_id"), rs.getString("classification")))
                .forEach(row -> rows.put(row.eventId(), row)));
        return rows;
    }
}

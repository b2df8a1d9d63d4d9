package dev.affixo.processor.sink;

import dev.affixo.processor.erasure.ErasedIdentities;
import dev.affixo.processor.traffic.TrafficLabel;
import dev.affixo.processor.traffic.TrafficRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/** SQL for {@code clicks}. */
final class ClickRows {

    /**
     * Idempotent by event id. What the client sent is never updated: a stored click is only ever relabelled (by a
     * replay: derived columns only, and only when the stored request fields equal the incoming ones); an event id
     * stored with another body (one Idempotency-Key, two bodies) is left exactly as stored and reported refused.
     * One statement per step and batch: the rows arrive as one array per column (see {@link SqlColumns}).
     *
     * <p>{@code clicks} is partitioned by {@code received_at}, so its key is (workspace_id, event_id, received_at)
     * (migration V4). Every copy of a click carries the {@code received_at} of its request (the API mints the event
     * id in the same moment), so a redelivery meets its row on that key. A click sent with an Idempotency-Key is the
     * exception: its event id comes from (workspace, key), so a retried request has the same event id and its own,
     * later {@code received_at}; such a row is written under the {@code received_at} {@link #CLAIM_KEYED} returns.
     */
    private static final String INSERT = """
            insert into clicks (event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                                canonical_visitor_id, match_method, match_confidence, fingerprint, url, referrer,
                                classification, key_id, idempotency_key, received_at, processed_at,
                                user_agent, ip_prefix, ip_hash, country, asn,
                                traffic, bot_reason, device_class, agent_name)
            select event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                   canonical_visitor_id, match_method, match_confidence, fingerprint, url, referrer,
                   classification, key_id, idempotency_key,
                   timestamptz 'epoch' + received_at_us * interval '1 microsecond', now(),
                   user_agent, ip_prefix, ip_hash, country, asn,
                   case when bot_reason is null then 'human' else 'bot' end, bot_reason, device_class, agent_name
            from unnest(:eventIds::text[]::uuid[], :workspaceIds::int8[], :linkIds::int8[], :affiliateIds::int8[],
                        :campaignIds::int8[], :refs::text[], :visitorIds::text[], :canonicalVisitorIds::text[],
                        :matchMethods::text[], :matchConfidences::float4[], :fingerprints::text[], :urls::text[],
                        :referrers::text[], :classifications::text[], :keyIds::int8[], :idempotencyKeys::text[],
                        :receivedAtMicros::int8[], :userAgents::text[], :ipPrefixes::text[], :ipHashes::text[],
                        :countries::text[], :asns::int8[], :botReasons::text[], :deviceClasses::text[],
                        :agentNames::text[])
                 as row(event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                        canonical_visitor_id, match_method, match_confidence, fingerprint, url, referrer,
                        classification, key_id, idempotency_key, received_at_us, user_agent, ip_prefix, ip_hash,
                        country, asn, bot_reason, device_class, agent_name)
            """;

    /**
     * The one {@code received_at} of each keyed event id: the first writer's, registered in {@code click_keyed_events}
     * (keyed by (workspace_id, event_id), which a partitioned table cannot be) and returned to every later writer, so
     * a retry lands on the stored row and meets the guard there. Its unique key also serialises two writers of one
     * event id, as the old primary key did: the second waits for the first to commit and then gets its value. Rows
     * are claimed in key order by every writer, so two cannot deadlock. The no-op update is there for
     * {@code returning}; it costs a row version only when an event id comes again.
     */
    private static final String CLAIM_KEYED = """
            insert into click_keyed_events (workspace_id, event_id, received_at)
            select workspace_id, event_id::uuid, timestamptz 'epoch' + received_at_us * interval '1 microsecond'
            from unnest(:workspaceIds::int8[], :eventIds::text[], :receivedAtMicros::int8[])
                 as row(workspace_id, event_id, received_at_us)
            on conflict (workspace_id, event_id) do update set received_at = click_keyed_events.received_at
            returning event_id::text || ' ' || (extract(epoch from received_at) * 1000000)::int8
            """;

    /**
     * Every write's first step: the clicks not stored yet are inserted as they are, and {@code returning} names
     * them (they count into the daily totals). A click already stored is left alone here: the live processor keeps
     * what a click was first stored with (its re-writes are redeliveries, which may come after dedup forgot the
     * event id and would be labelled anew, and crash recoveries, which write the same values); a replay relabels
     * it next ({@link #RELABEL}). Waits for a concurrent writer of the same click to commit.
     */
    private static final String INSERT_NEW = INSERT + """
            on conflict (workspace_id, event_id, received_at) do nothing
            returning event_id::text
            """;

    /**
     * The batch's clicks that were already stored with the same request fields (user_agent and ip_hash are request
     * fields since V5), with the labels they have now; one stored with another body (one Idempotency-Key, two
     * bodies) is left out, which is how the caller learns it was refused. Request fields never change once stored,
     * so the live processor reads this without a lock; a replay locks the rows ({@link #LOCK_STORED}), so no other
     * writer changes them before it does, and what leaves the totals is what was counted.
     */
    private static final String SAME_STORED = """
            select c.event_id::text || ' ' || c.classification || ' ' || c.traffic
            from unnest(:eventIds::text[]::uuid[], :workspaceIds::int8[], :linkIds::int8[], :refs::text[],
                        :visitorIds::text[], :matchMethods::text[], :fingerprints::text[], :urls::text[],
                        :referrers::text[], :receivedAtMicros::int8[], :userAgents::text[], :ipHashes::text[])
                 as r(event_id, workspace_id, link_id, ref, visitor_id, match_method, fingerprint, url, referrer,
                      received_at_us, user_agent, ip_hash)
            join clicks c on c.workspace_id = r.workspace_id and c.event_id = r.event_id
                         and c.received_at = timestamptz 'epoch' + r.received_at_us * interval '1 microsecond'
            where (c.link_id, c.ref, c.visitor_id, c.match_method, c.fingerprint, c.url, c.referrer, c.user_agent,
                   c.ip_hash)
                  is not distinct from
                  (r.link_id, r.ref, r.visitor_id, r.match_method, r.fingerprint, r.url, r.referrer, r.user_agent,
                   r.ip_hash)
            """;

    private static final String LOCK_STORED = SAME_STORED + "for update of c\n";

    /**
     * A replay re-derives matching, dedup and traffic labels on purpose (a window change, a rule change), so a
     * stored click (locked and checked by {@link #LOCK_STORED}) takes the new result in place. The labels written
     * are the rules' ({@code bot_reason} null for a human); velocity is re-derived right after for every bucket the
     * batch touched ({@link VelocityBuckets}).
     */
    private static final String RELABEL = """
            update clicks c set
                canonical_visitor_id = r.canonical_visitor_id,
                match_confidence     = r.match_confidence,
                classification       = r.classification,
                traffic              = case when r.bot_reason is null then 'human' else 'bot' end,
                bot_reason           = r.bot_reason,
                device_class         = r.device_class,
                agent_name           = r.agent_name,
                processed_at         = now()
            from unnest(:eventIds::text[]::uuid[], :workspaceIds::int8[], :receivedAtMicros::int8[],
                        :canonicalVisitorIds::text[], :matchConfidences::float4[], :classifications::text[],
                        :botReasons::text[], :deviceClasses::text[], :agentNames::text[])
                 as r(event_id, workspace_id, received_at_us, canonical_visitor_id, match_confidence, classification,
                      bot_reason, device_class, agent_name)
            where c.workspace_id = r.workspace_id and c.event_id = r.event_id
              and c.received_at = timestamptz 'epoch' + r.received_at_us * interval '1 microsecond'
            """;

    private ClickRows() {
    }

    /**
     * Writes the rows ({@code relabel}: stored clicks take their derived columns, else they keep theirs), labels
     * them with {@code rules}, re-ranks the velocity buckets they fall in, and moves the daily totals by exactly
     * what changed; returns the rows refused: within the batch the first row of an event id fixes its request
     * fields (a later row with the same fields replaces its derived columns, as if written after it; one with
     * other fields is refused), and in the table the stored row does.
     */
    static List<ClickRow> upsert(Handle handle, List<ClickRow> rows, boolean relabel, TrafficRules rules,
                                 ErasedIdentities erased) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, ClickRow> byEventId = new LinkedHashMap<>();
        // The first row of an event id also fixes its received_at (a keyed retry comes with a later one). In
        // microseconds, PostgreSQL's precision: a row stored before V4 by another writer may have them.
        Map<String, Long> receivedAtMicros = new HashMap<>();
        List<ClickRow> refused = new ArrayList<>();
        for (ClickRow row : rows) {
            ClickRow first = byEventId.putIfAbsent(row.event().eventId(), row);
            if (first == null) {
                receivedAtMicros.put(row.event().eventId(), row.event().receivedAt().toEpochMilli() * 1000);
            } else if (first.event().sameRequestAs(row.event())) {
                byEventId.put(row.event().eventId(), row);
            } else {
                refused.add(row);
            }
        }
        List<ClickRow> keyed = byEventId.values().stream().filter(r -> r.event().idempotencyKey() != null).toList();
        if (!keyed.isEmpty()) {
            List<String> claimed = new SqlColumns<>(handle, CLAIM_KEYED, keyed,
                    r -> r.event().workspaceId() + "/" + r.event().eventId(), (earlier, later) -> later)
                    .int8("workspaceIds", r -> r.event().workspaceId())
                    .text("eventIds", r -> r.event().eventId())
                    .int8("receivedAtMicros", r -> receivedAtMicros.get(r.event().eventId()))
                    .returning();
            for (String claim : claimed) {
                int space = claim.indexOf(' ');
                receivedAtMicros.put(claim.substring(0, space), Long.parseLong(claim.substring(space + 1)));
            }
        }
        Map<String, TrafficLabel> labels = new HashMap<>();
        for (ClickRow row : byEventId.values()) {
            labels.put(row.event().eventId(), rules.label(row.event().origin()));
        }
        // Erasure applies to what is written, never to what is compared in the batch above nor to the labels (taken
        // from the click as sent, so an erased click counts as it did): a click of an erased person is stored erased
        // under the received_at it is stored with (a keyed retry's first), so the request guard meets the erased
        // stored row with equal request fields (docs/privacy.md). Without its ip_hash it joins no velocity bucket.
        List<ClickRow> toWrite = byEventId.values().stream()
                .map(r -> erased.apply(r, microsToInstant(receivedAtMicros.get(r.event().eventId()))))
                .toList();
        List<VelocityBuckets.Bucket> buckets = VelocityBuckets.lock(handle, toWrite, receivedAtMicros);

        DailyTotals totals = new DailyTotals();
        Set<String> written = write(handle, toWrite, relabel, erased, receivedAtMicros, labels, totals);
        if (!buckets.isEmpty()) {
            VelocityBuckets.rank(handle, buckets, rules.velocityMaxPerMinute(), totals);
        }
        totals.apply(handle);
        for (ClickRow row : byEventId.values()) {
            if (!written.contains(row.event().eventId())) {
                refused.add(row);
            }
        }
        return refused;
    }

    /**
     * Inserts the new clicks; the stored ones are kept as they are (live) or take the batch's labels (replay),
     * when their request fields match and they are not erased. Returns the event ids written (inserted, or stored with the same request).
     * An inserted row counts into the totals; a relabelled one moves out with what it had and in with what it has.
     */
    private static Set<String> write(Handle handle, Collection<ClickRow> rows, boolean relabel,
                                     ErasedIdentities erased, Map<String, Long> receivedAtMicros, Map<String, TrafficLabel> labels,
                                     DailyTotals totals) {
        Map<String, ClickRow> byId = new HashMap<>();
        rows.forEach(r -> byId.put(r.event().eventId(), r));
        Set<String> written = new HashSet<>(insertColumns(handle, INSERT_NEW, rows, receivedAtMicros, labels)
                .returning());
        written.forEach(id -> countIn(byId.get(id), receivedAtMicros, labels, totals, 1));
        List<ClickRow> stored = rows.stream().filter(r -> !written.contains(r.event().eventId())).toList();
        if (stored.isEmpty()) {
            return written;
        }
        Map<String, String[]> before = new HashMap<>();
        for (String row : new SqlColumns<>(handle, relabel ? LOCK_STORED : SAME_STORED, stored,
                r -> r.event().eventId(), (a, b) -> b)
                .text("eventIds", r -> r.event().eventId())
                .int8("workspaceIds", r -> r.event().workspaceId())
                .int8("linkIds", r -> r.event().linkId())
                .text("refs", r -> r.event().ref())
                .text("visitorIds", r -> r.event().visitorId())
                .text("matchMethods", r -> r.event().matchMethod().wire())
                .text("fingerprints", r -> r.event().fingerprint())
                .text("urls", r -> r.event().url())
                .text("referrers", r -> r.event().referrer())
                .int8("receivedAtMicros", r -> receivedAtMicros.get(r.event().eventId()))
                .text("userAgents", r -> r.event().origin().userAgent())
                .text("ipHashes", r -> r.event().origin().ipHash())
                .returning()) {
            String[] parts = row.split(" ");
            before.put(parts[0], parts);
        }
        written.addAll(before.keySet());
        if (!relabel) {
            return written;
        }
        // An erased row keeps the labels it has, also in a replay: its click is no longer what it was when labelled
        // (its visitor ids are the token, its ip_hash is gone, so it is in no velocity bucket), and the re-derived
        // dedup may have run with or without the person's anchors, purged at a wall-clock moment. Frozen, its
        // labels and the totals stay exactly as before the erasure (docs/privacy.md).
        List<ClickRow> same = stored.stream()
                .filter(r -> before.containsKey(r.event().eventId()) && !erased.isErased(r)).toList();
        if (same.isEmpty()) {
            return written;
        }
        new SqlColumns<>(handle, RELABEL, same, r -> r.event().eventId(), (a, b) -> b)
                .text("eventIds", r -> r.event().eventId())
                .int8("workspaceIds", r -> r.event().workspaceId())
                .int8("receivedAtMicros", r -> receivedAtMicros.get(r.event().eventId()))
                .text("canonicalVisitorIds", ClickRow::canonicalVisitorId)
                .float4("matchConfidences", r -> (float) r.event().matchConfidence())
                .text("classifications", r -> r.classification().wire())
                .text("botReasons", r -> labels.get(r.event().eventId()).botReason())
                .text("deviceClasses", r -> labels.get(r.event().eventId()).deviceClass())
                .text("agentNames", r -> labels.get(r.event().eventId()).agentName())
                .execute();
        for (ClickRow row : same) {
            String[] old = before.get(row.event().eventId());
            long day = DailyTotals.epochDay(receivedAtMicros.get(row.event().eventId()));
            totals.add(row.event().workspaceId(), row.event().linkId(), day, old[1], old[2], -1);
            countIn(row, receivedAtMicros, labels, totals, 1);
        }
        return written;
    }

    private static void countIn(ClickRow row, Map<String, Long> receivedAtMicros, Map<String, TrafficLabel> labels,
                                DailyTotals totals, int sign) {
        String eventId = row.event().eventId();
        totals.add(row.event().workspaceId(), row.event().linkId(), DailyTotals.epochDay(receivedAtMicros.get(eventId)),
                row.classification().wire(), labels.get(eventId).traffic(), sign);
    }

    /** Every column of the rows, for {@link #INSERT}. */
    private static SqlColumns<ClickRow> insertColumns(Handle handle, String sql, Collection<ClickRow> rows,
                                                      Map<String, Long> receivedAtMicros,
                                                      Map<String, TrafficLabel> labels) {
        return new SqlColumns<>(handle, sql, rows, r -> r.event().eventId(), (earlier, later) -> later)
                .text("eventIds", r -> r.event().eventId())
                .int8("workspaceIds", r -> r.event().workspaceId())
                .int8("linkIds", r -> r.event().linkId())
                .int8("affiliateIds", r -> r.event().affiliateId())
                .int8("campaignIds", r -> r.event().campaignId())
                .text("refs", r -> r.event().ref())
                .text("visitorIds", r -> r.event().visitorId())
                .text("canonicalVisitorIds", ClickRow::canonicalVisitorId)
                .text("matchMethods", r -> r.event().matchMethod().wire())
                .float4("matchConfidences", r -> (float) r.event().matchConfidence())
                .text("fingerprints", r -> r.event().fingerprint())
                .text("urls", r -> r.event().url())
                .text("referrers", r -> r.event().referrer())
                .text("classifications", r -> r.classification().wire())
                .int8("keyIds", r -> r.event().keyId())
                .text("idempotencyKeys", r -> r.event().idempotencyKey())
                .int8("receivedAtMicros", r -> receivedAtMicros.get(r.event().eventId()))
                .text("userAgents", r -> r.event().origin().userAgent())
                .text("ipPrefixes", r -> r.event().origin().ipPrefix())
                .text("ipHashes", r -> r.event().origin().ipHash())
                .text("countries", r -> r.event().origin().country())
                .int8("asns", r -> r.event().origin().asn())
                .text("botReasons", r -> labels.get(r.event().eventId()).botReason())
                .text("deviceClasses", r -> labels.get(r.event().eventId()).deviceClass())
                .text("agentNames", r -> labels.get(r.event().eventId()).agentName());
    }

    private static Instant microsToInstant(long micros) {
        return Instant.EPOCH.plusNanos(Math.multiplyExact(micros, 1000L));
    }
}

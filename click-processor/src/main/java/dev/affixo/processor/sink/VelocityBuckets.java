package dev.affixo.processor.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Velocity on {@code clicks} (docs/traffic-quality.md, "Velocity, exactly"): the buckets a batch writes into are
 * locked before its rows ({@link #lock}) and re-ranked after them ({@link #rank}), in the sink's transaction. The
 * rest of the {@code clicks} SQL is {@link ClickRows}'; this part is here because it is one feature of its own.
 */
final class VelocityBuckets {

    /**
     * One advisory lock per velocity bucket (workspace, link, ip_hash, UTC minute) the batch writes into, taken in
     * one order by every writer (sorted keys, and {@code unnest} yields them in array order) after the keyed claims
     * and before any row of {@code clicks} is locked. Every writer that stores or re-ranks a click of a bucket holds
     * its lock, so the re-ranking ({@link #VELOCITY}), which runs after it and sees every committed row, always sees
     * the whole bucket: labels are exact whichever task or instance wrote which click. Two-key form: a key space
     * of its own (the partition maintenance lock is a one-key lock).
     */
    private static final String LOCK_BUCKETS = """
            select count(pg_advisory_xact_lock(hi, lo))::text
            from unnest(:his::int8[]::int4[], :los::int8[]::int4[]) as k(hi, lo)
            """;

    /**
     * Velocity, for every bucket the batch touched: a click is {@code velocity} when no other rule labelled it and
     * it is past the first {@code :max} clicks of its bucket, ordered by (received_at, event_id). Ranked over all
     * clicks of the bucket, whatever their labels, so a click's rank depends on the bucket alone: a late click
     * with an earlier time shifts the later ones, and a higher threshold (after a replay) turns them human again.
     * Only rows whose label changes are updated; each comes back with its link-day, classification and new traffic
     * for the totals.
     *
     * <p>Erased clicks are in no bucket (their ip_hash is null), but the erasure counted them on the clicks they left
     * behind ({@code velocity_erased_ahead}, migration V7), so the rank adds the erased clicks before a click: for a
     * click stored when the erasure ran that is exact, so its label never changes; a click stored later takes its
     * predecessor's count (the running maximum), a lower bound (docs/traffic-quality.md, "Velocity and erasure").
     */
    private static final String VELOCITY = """
            update clicks c set
                traffic    = case when v.reason is null then 'human' else 'bot' end,
                bot_reason = v.reason
            from (select * from (
                      select k.workspace_id, k.event_id, k.received_at, k.bot_reason as was,
                             case when k.bot_reason is not null and k.bot_reason <> 'velocity' then k.bot_reason
                                  when row_number() over bucket + max(k.velocity_erased_ahead) over bucket > :max
                                      then 'velocity'
                             end as reason
                      from unnest(:workspaceIds::int8[], :linkIds::int8[], :ipHashes::text[], :minuteMicros::int8[])
                           as b(workspace_id, link_id, ip_hash, minute_us)
                      join clicks k on k.workspace_id = b.workspace_id and k.link_id = b.link_id
                           and k.ip_hash = b.ip_hash
                           and k.received_at >= timestamptz 'epoch' + b.minute_us * interval '1 microsecond'
                           and k.received_at < timestamptz 'epoch' + (b.minute_us + 60000000) * interval '1 microsecond'
                      window bucket as (partition by b.workspace_id, b.link_id, b.ip_hash, b.minute_us
                                        order by k.received_at, k.event_id)
                  ) ranked
                  -- Only the changes go back to clicks: most buckets hold a click or two and change nothing.
                  where reason is distinct from was) v
            where c.workspace_id = v.workspace_id and c.event_id = v.event_id and c.received_at = v.received_at
            returning c.workspace_id || ' ' || c.link_id || ' '
                      || ((c.received_at at time zone 'UTC')::date - date '1970-01-01') || ' '
                      || c.classification || ' ' || c.traffic
            """;

    private static final long MICROS_PER_MINUTE = 60_000_000L;

    private VelocityBuckets() {
    }

    /** A velocity bucket: the clicks of one ip_hash on one link in one UTC minute. */
    record Bucket(long workspaceId, long linkId, String ipHash, long minuteMicros) {

        /** The advisory lock's 64 bits; two buckets that share them only wait for each other. */
        long lockKey() {
            long h = workspaceId * 0x9E3779B97F4A7C15L + linkId;
            h = h * 0xC2B2AE3D27D4EB4FL + ipHash.hashCode();
            return h * 0x165667B19E3779F9L + minuteMicros;
        }

        /** The lock order is the string order of these keys: any one order will do, as long as every writer's. */
        String key() {
            return Long.toHexString(lockKey());
        }
    }

    /** Locks the velocity buckets of the rows that carry an ip_hash, and returns them (none: nothing to rank). */
    static List<Bucket> lock(Handle handle, Collection<ClickRow> rows,
                                            Map<String, Long> receivedAtMicros) {
        List<Bucket> buckets = new ArrayList<>();
        for (ClickRow row : rows) {
            String ipHash = row.event().origin().ipHash();
            if (ipHash != null) {
                long micros = receivedAtMicros.get(row.event().eventId());
                buckets.add(new Bucket(row.event().workspaceId(), row.event().linkId(), ipHash,
                        Math.floorDiv(micros, MICROS_PER_MINUTE) * MICROS_PER_MINUTE));
            }
        }
        if (buckets.isEmpty()) {
            return buckets;
        }
        SqlColumns<Bucket> locks = new SqlColumns<>(handle, LOCK_BUCKETS, buckets, Bucket::key, (a, b) -> a);
        locks.int8("his", b -> (long) (int) (b.lockKey() >>> 32))
                .int8("los", b -> (long) (int) b.lockKey())
                .returning();
        return locks.rows();
    }

    /** Re-ranks the buckets (after their locks and the rows' upsert) and counts every label it changed. */
    static void rank(Handle handle, List<Bucket> buckets, int max, DailyTotals totals) {
        List<String> changed = new SqlColumns<>(handle, VELOCITY, buckets, Bucket::key, (a, b) -> a)
                .int8("workspaceIds", Bucket::workspaceId)
                .int8("linkIds", Bucket::linkId)
                .text("ipHashes", Bucket::ipHash)
                .int8("minuteMicros", Bucket::minuteMicros)
                .scalar("max", max)
                .returning();
        for (String row : changed) {
            String[] p = row.split(" ");
            long ws = Long.parseLong(p[0]);
            long link = Long.parseLong(p[1]);
            long day = Long.parseLong(p[2]);
            // Velocity only moves a click between human and bot: out with the other traffic, in with this one.
            totals.add(ws, link, day, p[3], p[4].equals("bot") ? "human" : "bot", -1);
            totals.add(ws, link, day, p[3], p[4], 1);
        }
    }
}

package dev.affixo.processor.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * SQL for {@code link_daily_totals}: one write's changes to the per-link, per-UTC-day totals, collected row by row
 * (a click stored, or a stored click whose labels changed) and applied as summed deltas in the write's transaction.
 * A link-day is never recounted: a hot link has millions of rows a day, and a delta costs the same for all of them.
 * Exact because every change of {@code clicks} that moves a count goes through {@link #add}, with the row's
 * state before (read under its row lock) and after, in the transaction that makes the change.
 */
final class DailyTotals {

    private static final long MICROS_PER_DAY = 86_400_000_000L;

    /**
     * Keys in one order for every writer ({@link SqlColumns} sorts them), so two writers of the same link-days
     * lock those rows in the same order and cannot deadlock. Additive, so concurrent writers need nothing else.
     */
    private static final String APPLY = """
            insert into link_daily_totals as t (workspace_id, link_id, day, all_clicks, unique_clicks,
                                                duplicate_clicks, bot_clicks, unique_human_clicks)
            select workspace_id, link_id, date '1970-01-01' + epoch_day::int4, all_clicks, unique_clicks,
                   duplicate_clicks, bot_clicks, unique_human_clicks
            from unnest(:workspaceIds::int8[], :linkIds::int8[], :epochDays::int8[], :all::int8[], :unique::int8[],
                        :duplicate::int8[], :bot::int8[], :uniqueHuman::int8[])
                 as d(workspace_id, link_id, epoch_day, all_clicks, unique_clicks, duplicate_clicks, bot_clicks,
                      unique_human_clicks)
            on conflict (workspace_id, link_id, day) do update set
                all_clicks          = t.all_clicks          + excluded.all_clicks,
                unique_clicks       = t.unique_clicks       + excluded.unique_clicks,
                duplicate_clicks    = t.duplicate_clicks    + excluded.duplicate_clicks,
                bot_clicks          = t.bot_clicks          + excluded.bot_clicks,
                unique_human_clicks = t.unique_human_clicks + excluded.unique_human_clicks
            """;

    private record LinkDay(long workspaceId, long linkId, long epochDay) {
    }

    /** all, unique, duplicate, bot, unique human. */
    private final Map<LinkDay, long[]> deltas = new HashMap<>();

    /** The UTC day of a {@code received_at} in microseconds, as days since 1970-01-01. */
    static long epochDay(long receivedAtMicros) {
        return Math.floorDiv(receivedAtMicros, MICROS_PER_DAY);
    }

    /**
     * Counts a row in ({@code sign} 1) or out ({@code sign} -1) of its link-day, with the labels it has (or had).
     * A row whose labels change is counted out with the old ones and in with the new ones.
     */
    void add(long workspaceId, long linkId, long epochDay, String classification, String traffic, int sign) {
        long[] d = deltas.computeIfAbsent(new LinkDay(workspaceId, linkId, epochDay), k -> new long[5]);
        boolean unique = classification.equals("unique");
        boolean bot = traffic.equals("bot");
        d[0] += sign;
        d[unique ? 1 : 2] += sign;
        if (bot) {
            d[3] += sign;
        } else if (unique) {
            d[4] += sign;
        }
    }

    /** Applies the collected deltas (link-days whose counts did not move are left alone). */
    void apply(Handle handle) {
        List<Map.Entry<LinkDay, long[]>> moved = new ArrayList<>();
        for (Map.Entry<LinkDay, long[]> e : deltas.entrySet()) {
            long[] d = e.getValue();
            if (d[0] != 0 || d[1] != 0 || d[2] != 0 || d[3] != 0 || d[4] != 0) {
                moved.add(e);
            }
        }
        if (moved.isEmpty()) {
            return;
        }
        new SqlColumns<>(handle, APPLY, moved,
                e -> e.getKey().workspaceId() + "/" + e.getKey().linkId() + "/" + e.getKey().epochDay(),
                (a, b) -> a)
                .int8("workspaceIds", e -> e.getKey().workspaceId())
                .int8("linkIds", e -> e.getKey().linkId())
                .int8("epochDays", e -> e.getKey().epochDay())
                .int8("all", e -> e.getValue()[0])
                .int8("unique", e -> e.getValue()[1])
                .int8("duplicate", e -> e.getValue()[2])
                .int8("bot", e -> e.getValue()[3])
                .int8("uniqueHuman", e -> e.getValue()[4])
                .execute();
    }
}

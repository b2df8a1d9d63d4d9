package dev.affixo.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** The invariant of link_daily_totals: row for row, a group by over clicks (docs/traffic-quality.md). */
public final class DailyTotalsCheck {

    private DailyTotalsCheck() {
    }

    /** A workspace's totals equal the group by over its clicks, and there is at least one row to compare. */
    public static void assertTotalsAreAGroupBy(Jdbi jdbi, long ws) {
        List<Map<String, Object>> totals = jdbi.withHandle(h -> h.createQuery("""
                        select link_id, day::text as day, all_clicks, unique_clicks, duplicate_clicks, bot_clicks,
                               unique_human_clicks
                        from link_daily_totals where workspace_id = :ws order by link_id, day""")
                .bind("ws", ws).mapToMap().list());
        List<Map<String, Object>> groupBy = jdbi.withHandle(h -> h.createQuery("""
                        select link_id, (received_at at time zone 'UTC')::date::text as day, count(*) as all_clicks,
                               count(*) filter (where classification = 'unique') as unique_clicks,
                               count(*) filter (where classification = 'duplicate') as duplicate_clicks,
                               count(*) filter (where traffic = 'bot') as bot_clicks,
                               count(*) filter (where classification = 'unique' and traffic = 'human')
                                   as unique_human_clicks
                        from clicks where workspace_id = :ws group by 1, 2 order by 1, 2""")
                .bind("ws", ws).mapToMap().list());
        assertThat(groupBy).isNotEmpty();
        assertThat(totals).isEqualTo(groupBy);
    }
}

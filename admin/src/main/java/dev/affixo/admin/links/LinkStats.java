package dev.affixo.admin.links;

import dev.affixo.admin.AdminException;
import dev.affixo.admin.Database;
import dev.affixo.admin.Exists;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * SQL for reading {@code link_daily_totals}, which the click-processor keeps (docs/traffic-quality.md): one row
 * per UTC day of a range, days without clicks as zeros, so a range reads as a calendar and sums without gaps.
 */
public final class LinkStats {

    /** A year and a day: longer ranges are a report, not a terminal listing. */
    public static final int MAX_DAYS = 366;

    /** One UTC day of a link's clicks. */
    public record Day(LocalDate day, long all, long unique, long duplicate, long bot, long uniqueHuman) {
    }

    private final Database db;

    public LinkStats(Database db) {
        this.db = db;
    }

    /** Parses {@code --from}/{@code --to}: a date (YYYY-MM-DD, a UTC day). */
    public static LocalDate day(String option, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new AdminException(option + " must be a date, YYYY-MM-DD (a UTC day): '" + value + "'", e);
        }
    }

    /** Every day from {@code from} to {@code to}, both included. */
    public List<Day> daily(long workspaceId, String ref, LocalDate from, LocalDate to) {
        if (from.isAfter(to)) {
            throw new AdminException("--from " + from + " is after --to " + to);
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw new AdminException("--from and --to span at most " + MAX_DAYS + " days");
        }
        Exists.workspace(db, workspaceId);
        Long linkId = db.jdbi().withHandle(h -> h.createQuery(
                        "select id from links where workspace_id = :ws and ref = :ref")
                .bind("ws", workspaceId).bind("ref", ref).mapTo(Long.class).findOne().orElse(null));
        if (linkId == null) {
            throw new AdminException("unknown ref '" + ref + "' in workspace " + workspaceId);
        }
        return db.jdbi().withHandle(h -> h.createQuery("""
                        select d::date as day, coalesce(t.all_clicks, 0) as all_clicks,
                               coalesce(t.unique_clicks, 0) as unique_clicks,
                               coalesce(t.duplicate_clicks, 0) as duplicate_clicks,
                               coalesce(t.bot_clicks, 0) as bot_clicks,
                               coalesce(t.unique_human_clicks, 0) as unique_human_clicks
                        from generate_series(:from::date, :to::date, interval '1 day') as d
                        left join link_daily_totals t
                               on t.workspace_id = :ws and t.link_id = :link and t.day = d::date
                        order by d""")
                .bind("from", from.toString()).bind("to", to.toString())
                .bind("ws", workspaceId).bind("link", linkId)
                .map((rs, ctx) -> new Day(rs.getObject("day", LocalDate.class), rs.getLong("all_clicks"),
                        rs.getLong("unique_clicks"), rs.getLong("duplicate_clicks"), rs.getLong("bot_clicks"),
                        rs.getLong("unique_human_clicks")))
                .list());
    }
}

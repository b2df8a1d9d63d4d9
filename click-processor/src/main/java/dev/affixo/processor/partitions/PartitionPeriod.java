package dev.affixo.processor.partitions;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;

/** How much time one partition of {@code clicks} covers; periods start at UTC midnight (weeks on Monday). */
public enum PartitionPeriod {
    DAY, WEEK, MONTH;

    /** Start of the period holding {@code t}. */
    public Instant start(Instant t) {
        LocalDate day = LocalDate.ofInstant(t, ZoneOffset.UTC);
        LocalDate start = switch (this) {
            case DAY -> day;
            case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> day.withDayOfMonth(1);
        };
        return start.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Start of the period after the one starting at {@code start}. */
    public Instant next(Instant start) {
        LocalDate day = LocalDate.ofInstant(start, ZoneOffset.UTC);
        LocalDate next = switch (this) {
            case DAY -> day.plusDays(1);
            case WEEK -> day.plusWeeks(1);
            case MONTH -> day.plusMonths(1);
        };
        return next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}

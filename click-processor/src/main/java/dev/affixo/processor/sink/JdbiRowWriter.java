package dev.affixo.processor.sink;

import dev.affixo.processor.erasure.ErasedIdentities;
import dev.affixo.processor.partitions.ClickPartitions;
import dev.affixo.processor.partitions.PartitionPeriod;
import dev.affixo.processor.traffic.TrafficRules;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a batch in one PostgreSQL transaction: all of it or none of it — the rows, their traffic labels
 * ({@link TrafficRules}, velocity re-ranked in the same transaction) and the daily totals they move. Before it, every click's time partition
 * is made to exist ({@link ClickPartitions#ensureCovered}), so a write never fails for want of one; a click older
 * than the retention is not written at all (its partition is gone or about to go), live or in a replay.
 */
public final class JdbiRowWriter implements RowWriter {

    private static final Logger log = LoggerFactory.getLogger(JdbiRowWriter.class);

    private final Jdbi jdbi;
    private final ClickPartitions partitions;
    private final Clock clock;
    private final TrafficRules rules;

    /** Monthly partitions, everything kept, the default traffic rules (tests, tools). */
    public JdbiRowWriter(Jdbi jdbi) {
        this(jdbi, TrafficRules.defaults());
    }

    /** Monthly partitions, everything kept (tests, tools). */
    public JdbiRowWriter(Jdbi jdbi, TrafficRules rules) {
        this(jdbi, new ClickPartitions(jdbi, PartitionPeriod.MONTH, null), Clock.systemUTC(), rules);
    }

    /** The default traffic rules (tests, tools). */
    public JdbiRowWriter(Jdbi jdbi, ClickPartitions partitions, Clock clock) {
        this(jdbi, partitions, clock, TrafficRules.defaults());
    }

    public JdbiRowWriter(Jdbi jdbi, ClickPartitions partitions, Clock clock, TrafficRules rules) {
        this.jdbi = jdbi;
        this.partitions = partitions;
        this.clock = clock;
        this.rules = rules;
    }

    @Override
    public List<ClickRow> write(RowBatch batch) {
        List<ClickRow> clicks = retained(batch.clicks());
        partitions.ensureCovered(clicks.stream().map(c -> c.event().receivedAt()).toList());
        try {
            return jdbi.inTransaction(handle -> {
                // First in the transaction: takes the erasure locks of the batch's workspaces (ErasedIdentities#load).
                ErasedIdentities erased = ErasedIdentities.load(handle, clicks, batch.aliases());
                List<ClickRow> refused = ClickRows.upsert(handle, clicks, batch.relabel(), rules, erased);
                // A refused click is not stored, so it must not register its visitor either; an erased one has none.
                List<ClickRow> stored = clicks.stream().filter(c -> !refused.contains(c)).map(erased::asWritten)
                        .filter(c -> !erased.isErased(c)).toList();
                VisitorRows.recordVisitors(handle, stored);
                VisitorRows.upsertAliases(handle, erased.keptAliases(batch.aliases()));
                return refused;
            });
        } catch (RuntimeException e) {
            // Perhaps a partition this writer knew of was dropped meanwhile: read the catalog again on the retry.
            partitions.forget();
            throw e;
        }
    }

    /** The clicks not past retention; the others are left out, neither written nor refused. */
    private List<ClickRow> retained(List<ClickRow> clicks) {
        Optional<Instant> from = partitions.retainedFrom(clock.instant());
        if (from.isEmpty()) {
            return clicks;
        }
        List<ClickRow> retained = clicks.stream().filter(c -> !c.event().receivedAt().isBefore(from.get())).toList();
        if (retained.size() < clicks.size()) {
            log.warn("{} clicks received before {} (past the retention) not written", clicks.size() - retained.size(),
                    from.get());
        }
        return retained;
    }
}

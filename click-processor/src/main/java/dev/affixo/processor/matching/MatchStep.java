package dev.affixo.processor.matching;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickKeys;
import dev.affixo.common.MatchMethod;
import dev.affixo.processor.InFlightClick;
import dev.affixo.processor.deadletter.DeadLetter;
import dev.affixo.processor.deadletter.DeadLetterReason;
import dev.affixo.processor.deadletter.StepResult;
import dev.affixo.processor.erasure.ErasedIdentity;
import dev.affixo.processor.erasure.ErasureFeed;
import dev.affixo.processor.erasure.ErasureLedger;
import dev.affixo.processor.erasure.StatePurge;
import dev.affixo.processor.sink.AliasRow;
import dev.affixo.processor.sink.PendingRows;
import dev.affixo.processor.sink.RowBatch;
import dev.affixo.processor.sink.RowWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Step 2: resolves each click to its canonical visitor and re-keys it by {@code <workspace>:<canonical visitor>}.
 *
 * <p>Runs on the ingest partitioning, where every click with a fingerprint is keyed by (workspace, fingerprint),
 * so the click that creates an alias and every click that uses it meet on one partition and one store.
 * Rules, by the {@code match_method} the API replied with:
 * <ul>
 *   <li>{@code cookie}: the click's own visitor; if it also carries a fingerprint, that fingerprint becomes
 *       an alias of this visitor (the latest cookie click wins, by {@code received_at}).</li>
 *   <li>{@code fingerprint}: the visitor the fingerprint is an alias of, else the click's own (derived) visitor.</li>
 *   <li>{@code new}: the click's own, freshly minted visitor.</li>
 * </ul>
 * Every key starts with the workspace id, so two workspaces never see each other's aliases.
 *
 * <p>New aliases wait in {@code pending-alias-rows} (newest per fingerprint) and are written to PostgreSQL by a
 * wall-clock punctuator or a full batch, like the sink's click rows ({@link PendingRows}).
 */
public final class MatchStep implements Processor<String, InFlightClick, String, StepResult<InFlightClick>> {

    public static final String STEP = "match";

    private final String aliasStoreName;
    private final String pendingStoreName;
    private final RowWriter writer;
    private final int maxBatchRows;
    private final Duration writeInterval;
    private final ErasureFeed erasures;
    private ProcessorContext<String, StepResult<InFlightClick>> context;
    private KeyValueStore<String, Alias> aliases;
    private PendingRows<String, AliasRow> pendingAliases;
    private ErasureLedger erased;

    /** How often a task looks for completed erasures to purge from its aliases (docs/privacy.md). */
    public static final Duration PURGE_INTERVAL = Duration.ofSeconds(10);

    public MatchStep(String aliasStoreName, String pendingStoreName, RowWriter writer, int maxBatchRows,
                     Duration writeInterval) {
        this(aliasStoreName, pendingStoreName, writer, maxBatchRows, writeInterval, ErasureFeed.NONE);
    }

    public MatchStep(String aliasStoreName, String pendingStoreName, RowWriter writer, int maxBatchRows,
                     Duration writeInterval, ErasureFeed erasures) {
        this.erasures = erasures;
        this.aliasStoreName = aliasStoreName;
        this.pendingStoreName = pendingStoreName;
        this.writer = writer;
        this.maxBatchRows = maxBatchRows;
        this.writeInterval = writeInterval;
    }

    /** The key clicks are repartitioned by before dedup. */
    public static String canonicalKey(long workspaceId, String canonicalVisitorId) {
        return workspaceId + ":" + canonicalVisitorId;
    }

    @Override
    public void init(ProcessorContext<String, StepResult<InFlightClick>> context) {
        this.context = context;
        this.aliases = context.getStateStore(aliasStoreName);
        KeyValueStore<String, AliasRow> pendingStore = context.getStateStore(pendingStoreName);
        this.pendingAliases = new PendingRows<>(pendingStore, rows -> new RowBatch(List.of(), rows), writer,
                maxBatchRows);
        // An alias batch has no clicks, so a write never refuses anything: the returned list is always empty.
        context.schedule(writeInterval, PunctuationType.WALL_CLOCK_TIME, now -> pendingAliases.write());
        // An erased person's fingerprint must stop resolving to them, here and in the changelog. Purged at once
        // (the restored store may hold aliases of any erasure), then as erasures complete. When the purge runs
        // changes no result: match() already ignores an alias an erasure after it covers (see resolvesThrough).
        erased = new ErasureLedger(erasures);
        StatePurge purge = new StatePurge(erased);
        purge.purge(aliases, Alias::visitorId, Alias::updatedAtMillis);
        context.schedule(PURGE_INTERVAL, PunctuationType.WALL_CLOCK_TIME,
                now -> purge.purge(aliases, Alias::visitorId, Alias::updatedAtMillis));
    }

    @Override
    public void process(Record<String, InFlightClick> record) {
        InFlightClick click = record.value();
        Match match;
        try {
            match = match(click.event());
        } catch (RuntimeException e) {
            // Only reads happen in here, so a click that breaks matching changed no state before it is
            // dead-lettered. Failures below (state, the write, downstream) fail the task instead.
            context.forward(record.withValue(
                    StepResult.failed(new DeadLetter(click.original(), click.source(), STEP,
                            DeadLetterReason.PROCESSING_FAILED, String.valueOf(e.getMessage())))));
            return;
        }
        if (match.newAlias() != null) {
            rememberAlias(click.event(), match.newAlias());
        }
        context.forward(record
                .withKey(canonicalKey(click.event().workspaceId(), match.canonicalVisitorId()))
                .withValue(StepResult.ok(click.matchedTo(match.canonicalVisitorId()))));
    }

    @Override
    public void close() {
        pendingAliases.close();
    }

    /** What matching makes of a click: its canonical visitor, and the alias it sets (null if none). */
    private record Match(String canonicalVisitorId, Alias newAlias) {
    }

    private Match match(ClickEvent click) {
        if (click.matchMethod() == MatchMethod.COOKIE) {
            Alias newAlias = click.fingerprint() != null && !ofErasedPerson(click) ? newerAlias(click) : null;
            return new Match(click.visitorId(), newAlias);
        }
        if (click.matchMethod() == MatchMethod.FINGERPRINT && click.fingerprint() != null) {
            Alias alias = aliases.get(aliasKey(click));
            return new Match(alias != null && resolvesThrough(alias, click) ? alias.visitorId() : click.visitorId(),
                    null);
        }
        return new Match(click.visitorId(), null);
    }

    /**
     * Whether a fingerprint-only click may resolve through this alias: not when the alias was set before an erasure
     * of its fingerprint or visitor that was requested at or before the click — that alias is the erased person's,
     * and a click after the erasure is a new, unlinked visitor (docs/privacy.md). Decided by times in the data, so
     * the result is the same whether the purge has removed the alias yet or not (live or in a replay).
     */
    private boolean resolvesThrough(Alias alias, ClickEvent click) {
        if (!erased.hasErasures(click.workspaceId())) {
            return true;
        }
        Instant setAt = Instant.ofEpochMilli(alias.updatedAtMillis());
        return !(before(setAt, erased.erasedAtOrBefore(click.workspaceId(), ErasedIdentity.FINGERPRINT,
                click.fingerprint(), click.receivedAt()))
                || before(setAt, erased.erasedAtOrBefore(click.workspaceId(), ErasedIdentity.VISITOR,
                alias.visitorId(), click.receivedAt())));
    }

    /**
     * A click received before an erasure of its visitor or fingerprint (late, or in a replay) sets no alias: the
     * purge may have passed already, and the sink would not store the alias anyway. A keyed click of an erased
     * visitor or fingerprint sets none either, whenever it was received: it may be a retry of a request from before
     * the erasure (same Idempotency-Key, a new received_at; only the sink knows the first one, and stores the click
     * erased), and its alias would bring the erased fingerprint and visitor back into {@code visitor_aliases}. The
     * cost: a returning person's new keyed click after an erasure links no fingerprint.
     */
    private boolean ofErasedPerson(ClickEvent click) {
        long ws = click.workspaceId();
        if (!erased.hasErasures(ws)) {
            return false;
        }
        if (click.idempotencyKey() != null) {
            return erased.erasedEver(ws, ErasedIdentity.VISITOR, click.visitorId())
                    || erased.erasedEver(ws, ErasedIdentity.FINGERPRINT, click.fingerprint());
        }
        return erased.erasesClickAt(ws, ErasedIdentity.VISITOR, click.visitorId(), click.receivedAt())
                || erased.erasesClickAt(ws, ErasedIdentity.FINGERPRINT, click.fingerprint(), click.receivedAt());
    }

    private static boolean before(Instant setAt, Instant erasureRequestedAt) {
        return erasureRequestedAt != null && setAt.isBefore(erasureRequestedAt);
    }

    /** The one key of a fingerprint's alias, in {@code fingerprint-aliases} and {@code pending-alias-rows} alike. */
    private static String aliasKey(ClickEvent click) {
        return ClickKeys.fingerprintKey(click.workspaceId(), click.fingerprint());
    }

    /** The alias this cookie click sets, or null when a newer cookie click set one or this one already did. */
    private Alias newerAlias(ClickEvent click) {
        Alias current = aliases.get(aliasKey(click));
        Alias candidate = new Alias(click.receivedAt().toEpochMilli(), click.visitorId());
        if (current != null && (current.updatedAtMillis() > candidate.updatedAtMillis() || current.equals(candidate))) {
            return null;
        }
        return candidate;
    }

    private void rememberAlias(ClickEvent click, Alias alias) {
        String key = aliasKey(click);
        aliases.put(key, alias);
        pendingAliases.add(key, new AliasRow(click.workspaceId(), click.fingerprint(), alias.visitorId(),
                Instant.ofEpochMilli(alias.updatedAtMillis())));
    }
}

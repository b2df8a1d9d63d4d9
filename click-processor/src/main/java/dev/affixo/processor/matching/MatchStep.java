package dev.affixo.processor.matching;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickKeys;
import dev.affixo.common.MatchMethod;
import dev.affixo.processor.InFlightClick;
import dev.affixo.processor.deadletter.DeadLetter;
import dev.affixo.processor.deadletter.DeadLetterReason;
import dev.affixo.processor.deadletter.StepResult;
import dev.affixo.processor.sink.AliasRow;
import dev.affixo.processor.sink.PendingRowsStore;
import dev.affixo.processor.sink.SinkUnavailableException;
import java.time.Instant;
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
 */
public final class MatchStep implements Processor<String, InFlightClick, String, StepResult<InFlightClick>> {

    public static final String STEP = "match";

    private final String aliasStoreName;
    private final String pendingStoreName;
    private ProcessorContext<String, StepResult<InFlightClick>> context;
    private KeyValueStore<String, String> aliases;
    private PendingRowsStore pendingRows;

    public MatchStep(String aliasStoreName, String pendingStoreName) {
        this.aliasStoreName = aliasStoreName;
        this.pendingStoreName = pendingStoreName;
    }

    /** The key clicks are repartitioned by before dedup. */
    public static String canonicalKey(long workspaceId, String canonicalVisitorId) {
        return workspaceId + ":" + canonicalVisitorId;
    }

    @Override
    public void init(ProcessorContext<String, StepResult<InFlightClick>> context) {
        this.context = context;
        this.aliases = context.getStateStore(aliasStoreName);
        this.pendingRows = context.getStateStore(pendingStoreName);
    }

    @Override
    public void process(Record<String, InFlightClick> record) {
        InFlightClick click = record.value();
        try {
            String canonical = canonicalVisitor(click.event());
            context.forward(record
                    .withKey(canonicalKey(click.event().workspaceId(), canonical))
                    .withValue(StepResult.ok(click.matchedTo(canonical))));
        } catch (SinkUnavailableException e) {
            throw e; // PostgreSQL being down is not the record's fault: fail the task, retry later
        } catch (RuntimeException e) {
            context.forward(record.withValue(
                    StepResult.failed(new DeadLetter(click.original(), click.source(), STEP,
                            DeadLetterReason.PROCESSING_FAILED, String.valueOf(e.getMessage())))));
        }
    }

    private String canonicalVisitor(ClickEvent click) {
        if (click.matchMethod() == MatchMethod.COOKIE) {
            if (click.fingerprint() != null) {
                rememberAlias(click);
            }
            return click.visitorId();
        }
        if (click.matchMethod() == MatchMethod.FINGERPRINT && click.fingerprint() != null) {
            Alias alias = aliasOf(click.workspaceId(), click.fingerprint());
            return alias != null ? alias.visitorId() : click.visitorId();
        }
        return click.visitorId();
    }

    private Alias aliasOf(long workspaceId, String fingerprint) {
        return Alias.parse(aliases.get(ClickKeys.fingerprintKey(workspaceId, fingerprint)));
    }

    /** Points the fingerprint at this click's visitor unless a newer cookie click already did. */
    private void rememberAlias(ClickEvent click) {
        Alias current = aliasOf(click.workspaceId(), click.fingerprint());
        long receivedAt = click.receivedAt().toEpochMilli();
        if (current != null && current.updatedAtMillis() > receivedAt) {
            return;
        }
        if (current == null || !current.visitorId().equals(click.visitorId()) || current.updatedAtMillis() < receivedAt) {
            aliases.put(ClickKeys.fingerprintKey(click.workspaceId(), click.fingerprint()),
                    new Alias(receivedAt, click.visitorId()).format());
            pendingRows.add(new AliasRow(click.workspaceId(), click.fingerprint(), click.visitorId(),
                    Instant.ofEpochMilli(receivedAt)));
        }
    }

    /** Store value of {@code fingerprint-aliases}: {@code <updated_at millis>|<visitor id>}. */
    record Alias(long updatedAtMillis, String visitorId) {

        static Alias parse(String value) {
            if (value == null) {
                return null;
            }
            int bar = value.indexOf('|');
            return new Alias(Long.parseLong(value.substring(0, bar)), value.substring(bar + 1));
        }

        String format() {
            return updatedAtMillis + "|" + visitorId;
        }
    }
}

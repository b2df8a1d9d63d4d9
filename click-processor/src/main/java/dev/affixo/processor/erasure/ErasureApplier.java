package dev.affixo.processor.erasure;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Applies one pending erasure to what PostgreSQL holds, in one transaction: all of it or none of it, so a processor
 * killed half-way leaves the erasure pending and the next poll (here or on another instance) does it whole.
 *
 * <ol>
 *   <li>claims the oldest pending {@code visitor_erasures} row ({@code for update skip locked}: instances never
 *       apply the same one twice, nor wait for each other);</li>
 *   <li>takes its workspace's erasure lock exclusively, so no sink batch of that workspace is between reading the
 *       erased identities and committing (see {@link ErasedIdentities#load});</li>
 *   <li>resolves the visitor id to the person: the closure of visitor ids and fingerprints linked through clicks
 *       received before the request (visitor id, canonical visitor, fingerprint) and {@code visitor_aliases};</li>
 *   <li>records their hashes in {@code erased_identities} (what keeps later writes erased), counts the person's
 *       clicks on the clicks they leave behind in their velocity buckets ({@link #FREEZE_VELOCITY}), rewrites every
 *       click row of the person received before the request (visitor ids → the erasure's token;
 *       {@link ErasedColumns} → null),
 *       deletes their {@code visitors} and {@code visitor_aliases} rows, and completes the audit row, forgetting the
 *       visitor id it was asked about.</li>
 * </ol>
 * Only clicks received before the request are the person's: a later click is a new, unlinked visitor
 * (docs/privacy.md, "A click after the erasure").
 */
public final class ErasureApplier {

    /** Fixpoint rounds of the closure; each round follows one more link. Reached only by pathological data. */
    static final int MAX_ROUNDS = 16;

    private static final String CLAIM = """
            select erasure_id, workspace_id, pending_visitor_id, requested_at
            from visitor_erasures
            where completed_at is null
            order by requested_at
            limit 1
            for update skip locked
            """;

    private static final String LOCK = "select pg_advisory_xact_lock(" + ErasedIdentities.LOCK_CLASS
            + ", hashint8(?))";

    /** One round of the closure over clicks: the ids and fingerprints on rows linked to what is known so far. */
    private static final String LINKED_CLICKS = """
            select visitor_id, canonical_visitor_id, fingerprint
            from clicks
            where workspace_id = :ws and received_at < :before
              and (visitor_id = any(:visitors) or canonical_visitor_id = any(:visitors)
                   or fingerprint = any(:fingerprints))
            """;

    private static final String LINKED_ALIASES = """
            select visitor_id, fingerprint
            from visitor_aliases
            where workspace_id = :ws and (visitor_id = any(:visitors) or fingerprint = any(:fingerprints))
            """;

    private static final String RECORD_IDENTITIES = """
            insert into erased_identities (workspace_id, identity_hash, erasure_id, requested_at)
            select :ws, decode(h, 'hex'), :erasureId, :requestedAt
            from unnest(:hashes::text[]) as h
            on conflict do nothing
            """;

    /** The rows of the person, as {@link #ERASE_CLICKS} picks them; {@code is true}: a null fingerprint is not. */
    private static final String OF_PERSON = """
            (%1$s.visitor_id = any(:visitors) or %1$s.canonical_visitor_id = any(:visitors)
             or %1$s.fingerprint = any(:fingerprints)) is true""";

    /**
     * Run before {@link #ERASE_CLICKS} nulls the person's ip_hash: every other click of a velocity bucket one of the
     * person's clicks leaves counts, in {@code velocity_erased_ahead}, the erased clicks ranked before it by
     * (received_at, event_id) — so the bucket's re-rank ({@code sink.VelocityBuckets}) gives each remaining click the
     * rank it had, and a replay or a late click keeps every existing label (docs/traffic-quality.md, "Velocity and
     * erasure"). No sink batch of the workspace runs meanwhile (the workspace lock), so no bucket changes under it.
     */
    private static final String FREEZE_VELOCITY = """
            update clicks c set velocity_erased_ahead = c.velocity_erased_ahead + x.erased_ahead
            from (select k.workspace_id, k.event_id, k.received_at, count(*)::int as erased_ahead
                  from clicks e
                  join clicks k on k.workspace_id = e.workspace_id and k.link_id = e.link_id
                       and k.ip_hash = e.ip_hash
                       and k.received_at >= e.received_at
                       and k.received_at < (date_trunc('minute', e.received_at at time zone 'UTC')
                                            + interval '1 minute') at time zone 'UTC'
                       and (k.received_at, k.event_id) > (e.received_at, e.event_id)
                  where e.workspace_id = :ws and e.received_at < :before and e.ip_hash is not null
                    and %s
                    and not (k.received_at < :before and %s)
                  group by 1, 2, 3) x
            where c.workspace_id = x.workspace_id and c.event_id = x.event_id and c.received_at = x.received_at
            """.formatted(OF_PERSON.formatted("e"), OF_PERSON.formatted("k"));

    private static final String ERASE_CLICKS = "update clicks set visitor_id = :token, canonical_visitor_id = :token, "
            + ErasedColumns.setNull() + """

            where workspace_id = :ws and received_at < :before
              and (visitor_id = any(:visitors) or canonical_visitor_id = any(:visitors)
                   or fingerprint = any(:fingerprints))
            """;

    /** A registry row first seen after the request is a new visitor with the same id: it stays. */
    private static final String DELETE_VISITORS = """
            delete from visitors
            where workspace_id = :ws and visitor_id = any(:visitors) and first_seen_at < :before
            """;

    private static final String DELETE_ALIASES = """
            delete from visitor_aliases
            where workspace_id = :ws and (visitor_id = any(:visitors) or fingerprint = any(:fingerprints))
              and updated_at < :before
            """;

    private static final String COMPLETE = """
            update visitor_erasures
            set completed_at = now(), pending_visitor_id = null, rows_erased = :rows, identities_erased = :identities
            where erasure_id = :erasureId
            """;

    /** What one application did, for the log and the tests. */
    public record Applied(UUID erasureId, long workspaceId, long rowsErased, int identitiesErased) {
    }

    private final Jdbi jdbi;

    public ErasureApplier(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Applies the oldest pending erasure, if there is one no other instance is applying. */
    public Optional<Applied> applyNext() {
        return jdbi.inTransaction(this::applyNext);
    }

    private Optional<Applied> applyNext(Handle h) {
        Optional<Pending> claimed = h.createQuery(CLAIM)
                .map((rs, ctx) -> new Pending(rs.getObject("erasure_id", UUID.class), rs.getLong("workspace_id"),
                        rs.getString("pending_visitor_id"),
                        rs.getObject("requested_at", OffsetDateTime.class).toInstant()))
                .findOne();
        if (claimed.isEmpty()) {
            return Optional.empty();
        }
        Pending p = claimed.get();
        h.execute(LOCK, p.workspaceId());
        Person person = resolve(h, p);

        List<String> hashes = new ArrayList<>();
        person.visitors().forEach(v -> hashes.add(ErasedIdentity.VISITOR.hex(p.workspaceId(), v)));
        person.fingerprints().forEach(f -> hashes.add(ErasedIdentity.FINGERPRINT.hex(p.workspaceId(), f)));
        h.createUpdate(RECORD_IDENTITIES)
                .bind("ws", p.workspaceId()).bind("erasureId", p.erasureId())
                .bind("requestedAt", p.requestedAt().atOffset(java.time.ZoneOffset.UTC))
                .bindArray("hashes", String.class, hashes.toArray())
                .execute();
        bindPerson(h.createUpdate(FREEZE_VELOCITY), p, person).execute();
        long rows = bindPerson(h.createUpdate(ERASE_CLICKS), p, person)
                .bind("token", ErasedIdentities.token(p.erasureId()))
                .execute();
        bindPerson(h.createUpdate(DELETE_VISITORS), p, person).execute();
        bindPerson(h.createUpdate(DELETE_ALIASES), p, person).execute();
        h.createUpdate(COMPLETE).bind("erasureId", p.erasureId()).bind("rows", rows)
                .bind("identities", hashes.size()).execute();
        return Optional.of(new Applied(p.erasureId(), p.workspaceId(), rows, hashes.size()));
    }

    /** The closure: every visitor id and fingerprint linked to the asked-for visitor id, to a fixpoint. */
    private static Person resolve(Handle h, Pending p) {
        Set<String> visitors = new TreeSet<>(Set.of(p.visitorId()));
        Set<String> fingerprints = new TreeSet<>();
        Person person = new Person(visitors, fingerprints);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            int before = visitors.size() + fingerprints.size();
            bindPerson(h.createQuery(LINKED_CLICKS), p, person).map((rs, ctx) -> {
                visitors.add(rs.getString("visitor_id"));
                visitors.add(rs.getString("canonical_visitor_id"));
                addIfPresent(fingerprints, rs.getString("fingerprint"));
                return 0;
            }).list();
            h.createQuery(LINKED_ALIASES).bind("ws", p.workspaceId())
                    .bindArray("visitors", String.class, visitors.toArray())
                    .bindArray("fingerprints", String.class, fingerprints.toArray())
                    .map((rs, ctx) -> {
                        visitors.add(rs.getString("visitor_id"));
                        fingerprints.add(rs.getString("fingerprint"));
                        return 0;
                    }).list();
            if (visitors.size() + fingerprints.size() == before) {
                break;
            }
        }
        return person;
    }

    private static void addIfPresent(Set<String> set, String value) {
        if (value != null) {
            set.add(value);
        }
    }

    private static <S extends org.jdbi.v3.core.statement.SqlStatement<S>> S bindPerson(S statement, Pending p,
                                                                                      Person person) {
        return statement.bind("ws", p.workspaceId())
                .bind("before", p.requestedAt().atOffset(java.time.ZoneOffset.UTC))
                .bindArray("visitors", String.class, person.visitors().toArray())
                .bindArray("fingerprints", String.class, person.fingerprints().toArray());
    }

    private record Pending(UUID erasureId, long workspaceId, String visitorId, Instant requestedAt) {
    }

    private record Person(Set<String> visitors, Set<String> fingerprints) {
    }
}

package dev.affixo.processor.erasure;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickOrigin;
import dev.affixo.processor.sink.AliasRow;
import dev.affixo.processor.sink.ClickRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The erasures that concern one sink batch, read inside the batch's transaction, and what they make of its rows.
 * This is what makes an erasure permanent: every click the sink writes — live, a redelivery, a replay, a late click,
 * a retry under an old Idempotency-Key — passes here, so a click of an erased person received before the erasure is
 * stored erased, whatever the log still holds (docs/privacy.md).
 *
 * <p>Rule for a click (its {@code received_at} as stored, i.e. a keyed retry's first one):
 * <ul>
 *   <li>if its visitor id, canonical visitor or fingerprint is an erased identity of an erasure requested after the
 *       click was received, the click is stored erased with the token of the earliest such erasure — the same token
 *       the {@link ErasureApplier} gave the rows already stored, so a re-write meets equal request fields;</li>
 *   <li>else, if only its canonical visitor (or fingerprint) is erased — a click after the erasure that the
 *       processor's matching state still linked to the erased person — it is stored as its own, unlinked visitor:
 *       canonical visitor = its visitor id. A new click never links back to an erased person.</li>
 * </ul>
 */
public final class ErasedIdentities {

    /** Two-key advisory lock class ("afxE"); the key is {@code hashint8(workspace_id)}. See {@link #load}. */
    static final int LOCK_CLASS = 0x61667845;
    static final String TOKEN_PREFIX = "erased:";

    /**
     * One statement for all of the batch's workspaces (one round trip, however many merchants a batch holds). The
     * array comes sorted and a plain {@code unnest} scan yields it in order, evaluating the lock call row by row,
     * so locks are taken in ascending workspace order.
     */
    private static final String LOCK_SHARED = "select pg_advisory_xact_lock_shared(" + LOCK_CLASS
            + ", hashint8(w))::text from unnest(:ws::int8[]) as w";

    private static final String FIND = """
            select e.workspace_id, encode(e.identity_hash, 'hex') as hash, e.erasure_id, e.requested_at
            from erased_identities e
            join unnest(:ws::int8[], :hashes::text[]) as q(workspace_id, hash)
              on e.workspace_id = q.workspace_id and e.identity_hash = decode(q.hash, 'hex')
            """;

    private record Erasure(UUID erasureId, Instant requestedAt) {
    }

    private final Map<String, List<Erasure>> byIdentity;
    private final Map<String, ClickRow> written = new HashMap<>();
    /** Event ids this batch writes erased; by id, since a client may send any visitor id, even "erased:…". */
    private final Set<String> erasedEventIds = new java.util.HashSet<>();

    private ErasedIdentities(Map<String, List<Erasure>> byIdentity) {
        this.byIdentity = byIdentity;
    }

    /**
     * Takes the batch's workspaces' erasure locks (shared: sinks never wait for each other, only for an erasure
     * being applied, which holds its workspace's lock exclusively), then reads the erased identities among the
     * batch's. The lock serialises the two: either the erasure commits first, and this read — a later statement,
     * so a fresh snapshot — sees its identities; or this batch commits first, and the erasure's update sees its
     * rows. Without it a click written while an erasure applies could slip through in clear. Workspaces are locked
     * in ascending order, so two sinks and an erasure cannot deadlock.
     */
    public static ErasedIdentities load(Handle handle, Collection<ClickRow> clicks, Collection<AliasRow> aliases) {
        Set<Long> workspaces = new TreeSet<>();
        Set<String> keys = new LinkedHashSet<>();
        for (ClickRow row : clicks) {
            ClickEvent e = row.event();
            workspaces.add(e.workspaceId());
            keys.add(key(e.workspaceId(), ErasedIdentity.VISITOR, e.visitorId()));
            keys.add(key(e.workspaceId(), ErasedIdentity.VISITOR, row.canonicalVisitorId()));
            if (e.fingerprint() != null) {
                keys.add(key(e.workspaceId(), ErasedIdentity.FINGERPRINT, e.fingerprint()));
            }
        }
        for (AliasRow alias : aliases) {
            workspaces.add(alias.workspaceId());
            keys.add(key(alias.workspaceId(), ErasedIdentity.VISITOR, alias.visitorId()));
            keys.add(key(alias.workspaceId(), ErasedIdentity.FINGERPRINT, alias.fingerprint()));
        }
        if (keys.isEmpty()) {
            return new ErasedIdentities(Map.of());
        }
        handle.createQuery(LOCK_SHARED).bindArray("ws", Long.class, workspaces.toArray()).mapTo(String.class).list();
        Long[] ws = new Long[keys.size()];
        String[] hashes = new String[keys.size()];
        int i = 0;
        for (String key : keys) {
            int slash = key.indexOf('/');
            ws[i] = Long.parseLong(key.substring(0, slash));
            hashes[i++] = key.substring(slash + 1);
        }
        Map<String, List<Erasure>> found = new HashMap<>();
        handle.createQuery(FIND)
                .bindArray("ws", Long.class, (Object[]) ws)
                .bindArray("hashes", String.class, (Object[]) hashes)
                .map((rs, ctx) -> Map.entry(rs.getLong("workspace_id") + "/" + rs.getString("hash"),
                        new Erasure(rs.getObject("erasure_id", UUID.class),
                                rs.getObject("requested_at", java.time.OffsetDateTime.class).toInstant())))
                .forEach(e -> found.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return new ErasedIdentities(found);
    }

    /**
     * The row as it is to be written, given the {@code received_at} it is stored under; remembered, so
     * {@link #asWritten} gives it back to the visitor registration of the same batch.
     */
    public ClickRow apply(ClickRow row, Instant storedReceivedAt) {
        ClickRow result = decide(row, storedReceivedAt);
        if (result != row) {
            written.put(row.event().eventId(), result);
        }
        return result;
    }

    /** What {@link #apply} made of the row (the row itself if it never passed there). */
    public ClickRow asWritten(ClickRow row) {
        return written.getOrDefault(row.event().eventId(), row);
    }

    /** Whether {@link #apply} wrote the row erased: such rows register no visitor. */
    public boolean isErased(ClickRow row) {
        return erasedEventIds.contains(row.event().eventId());
    }

    /** The aliases to upsert: none that an erasure requested after it covers (its fingerprint or its visitor). */
    public List<AliasRow> keptAliases(Collection<AliasRow> aliases) {
        if (byIdentity.isEmpty()) {
            return List.copyOf(aliases);
        }
        return aliases.stream().filter(a -> erasingAt(a.updatedAt(),
                key(a.workspaceId(), ErasedIdentity.VISITOR, a.visitorId()),
                key(a.workspaceId(), ErasedIdentity.FINGERPRINT, a.fingerprint())).isEmpty()).toList();
    }

    private ClickRow decide(ClickRow row, Instant receivedAt) {
        if (byIdentity.isEmpty()) {
            return row;
        }
        ClickEvent e = row.event();
        String visitor = key(e.workspaceId(), ErasedIdentity.VISITOR, e.visitorId());
        String canonical = key(e.workspaceId(), ErasedIdentity.VISITOR, row.canonicalVisitorId());
        String fingerprint = e.fingerprint() == null ? null
                : key(e.workspaceId(), ErasedIdentity.FINGERPRINT, e.fingerprint());
        Optional<Erasure> erasing = erasingAt(receivedAt, visitor, canonical, fingerprint);
        if (erasing.isPresent()) {
            String token = token(erasing.get().erasureId());
            erasedEventIds.add(e.eventId());
            return new ClickRow(erase(e, token), token, row.classification(), row.source(), row.accepted());
        }
        boolean linkedToErased = byIdentity.containsKey(canonical)
                || (fingerprint != null && byIdentity.containsKey(fingerprint));
        if (linkedToErased && !e.visitorId().equals(row.canonicalVisitorId())) {
            return new ClickRow(e, e.visitorId(), row.classification(), row.source(), row.accepted());
        }
        return row;
    }

    /** The earliest erasure of any of these identities requested after {@code at}: the one that covers it. */
    private Optional<Erasure> erasingAt(Instant at, String... identities) {
        return java.util.Arrays.stream(identities)
                .filter(java.util.Objects::nonNull)
                .flatMap(k -> byIdentity.getOrDefault(k, List.of()).stream())
                .filter(er -> er.requestedAt().isAfter(at))
                .min(Comparator.comparing(Erasure::requestedAt).thenComparing(Erasure::erasureId));
    }

    /** The opaque visitor id every row of one erased person takes. */
    public static String token(UUID erasureId) {
        return TOKEN_PREFIX + erasureId;
    }

    /**
     * The click without what identifies the person — {@link ErasedColumns#NULLED}'s values on the event, the user
     * agent, IP prefix and IP hash on its origin — and with the token as its visitor id. Country, ASN and the
     * network flags stay: they label traffic and do not single anyone out.
     */
    public static ClickEvent erase(ClickEvent e, String token) {
        ClickOrigin o = e.origin();
        ClickOrigin kept = new ClickOrigin(null, null, null, o.country(), o.asn(), o.hostingNetwork(),
                o.anonymousProxy());
        return new ClickEvent(e.eventId(), e.workspaceId(), e.linkId(), e.affiliateId(), e.campaignId(), e.ref(),
                token, e.matchMethod(), e.matchConfidence(), null, null, null, e.keyId(), e.idempotencyKey(),
                e.receivedAt(), kept.isNone() ? ClickOrigin.NONE : kept);
    }

    private static String key(long workspaceId, ErasedIdentity kind, String value) {
        return workspaceId + "/" + kind.hex(workspaceId, value);
    }
}

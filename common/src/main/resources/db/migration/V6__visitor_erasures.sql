-- Erasure of a visitor (SPEC §7.4, docs/privacy.md).
--
-- visitor_erasures is the request and, once applied, the audit: who asked (key_id; null = the admin CLI), when,
-- when it was applied and how many click rows it rewrote. The visitor id asked about is kept only while the
-- erasure is pending (the processor needs it to find the person) and set to null in the transaction that applies
-- it, so a completed row names nobody. A row is never deleted: it is the proof the erasure happened.
create table visitor_erasures (
    erasure_id         uuid        primary key,
    workspace_id       bigint      not null,
    key_id             bigint,
    requested_at       timestamptz not null default now(),
    pending_visitor_id text,
    completed_at       timestamptz,
    rows_erased        bigint,
    identities_erased  integer,
    check ((completed_at is null) = (pending_visitor_id is not null)),
    check ((completed_at is null) = (rows_erased is null))
);
-- The processor's poll: pending erasures, oldest first.
create index visitor_erasures_pending on visitor_erasures (requested_at) where completed_at is null;
-- The processors' state purge: erasures completed since a moment.
create index visitor_erasures_completed on visitor_erasures (completed_at) where completed_at is not null;

-- What an applied erasure covers: every visitor id and fingerprint of the person, as SHA-256 over
-- (workspace, kind, value) (the processor's ErasedIdentity), never the value itself, so this table cannot
-- re-identify anyone. The click sink looks each click's visitor id, canonical visitor and fingerprint up here, so a
-- replay, a redelivery, a late click or a retried Idempotency-Key received before requested_at is stored erased.
create table erased_identities (
    workspace_id  bigint      not null,
    identity_hash bytea       not null check (length(identity_hash) = 32),
    erasure_id    uuid        not null references visitor_erasures (erasure_id),
    requested_at  timestamptz not null,
    primary key (workspace_id, identity_hash, erasure_id)
);

-- Which request body an Idempotency-Key was first used with, per workspace (openapi.yaml). The ingest API
-- claims a key here before it publishes a keyed click, on every instance alike, so a second body under a
-- key already bound to another answers 422 idempotency_key_reused instead of being accepted.
--
-- request_digest is SHA-256 over the click's decoded request fields (see the ingest API's RequestDigest),
-- never the fields themselves: the table holds no visitor data. Rows older than the API's
-- AFFIXO_INGEST_IDEMPOTENCY_KEY_RETENTION (default 24 h) are purged by the API in small batches, served by
-- the created_at index; once a binding is gone the click processor's first-wins guard still keeps the
-- stored click as it was (README "Idempotency").
create table idempotency_keys (
    workspace_id    bigint      not null,
    idempotency_key text        not null,
    request_digest  bytea       not null check (length(request_digest) = 32),
    created_at      timestamptz not null default now(),
    primary key (workspace_id, idempotency_key)
);
create index idempotency_keys_created_at on idempotency_keys (created_at);

-- Affixo schema, version 1. Applied by Flyway when either service starts (Flyway's lock table makes
-- concurrent starts safe); see README "Database migrations".

-- Rows the ingest API caches carry updated_at, maintained by trigger, so the cache refresher can ask
-- "what changed since I last looked?" instead of reloading whole tables.
create function touch_updated_at() returns trigger language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end $$;

create table workspaces (
    id          bigint generated always as identity primary key,
    name        text        not null,
    created_at  timestamptz not null default now()
);

create table affiliates (
    id           bigint generated always as identity primary key,
    workspace_id bigint      not null references workspaces (id),
    name         text        not null,
    created_at   timestamptz not null default now(),
    unique (workspace_id, id)
);

create table campaigns (
    id           bigint generated always as identity primary key,
    workspace_id bigint      not null references workspaces (id),
    name         text        not null,
    created_at   timestamptz not null default now(),
    unique (workspace_id, id)
);

-- Keys are stored only as SHA-256 of the full token; the plaintext is shown once at creation.
create table api_keys (
    id                    bigint generated always as identity primary key,
    workspace_id          bigint      not null references workspaces (id),
    kind                  text        not null check (kind in ('workspace', 'affiliate')),
    affiliate_id          bigint      references affiliates (id),
    key_hash              bytea       not null unique check (length(key_hash) = 32),
    display_prefix        text        not null,
    scopes                text[]      not null default '{}',
    rate_limit_per_minute integer     not null default 600 check (rate_limit_per_minute > 0),
    created_at            timestamptz not null default now(),
    expires_at            timestamptz,
    revoked_at            timestamptz,
    updated_at            timestamptz not null default now(),
    check ((kind = 'affiliate') = (affiliate_id is not null))
);
create index api_keys_updated_at on api_keys (updated_at);
create trigger api_keys_touch before update on api_keys
    for each row execute function touch_updated_at();

create table links (
    id           bigint generated always as identity primary key,
    workspace_id bigint      not null references workspaces (id),
    affiliate_id bigint      not null,
    campaign_id  bigint,
    ref          text        not null check (length(ref) between 1 and 128),
    active       boolean     not null default true,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    unique (workspace_id, ref),
    foreign key (workspace_id, affiliate_id) references affiliates (workspace_id, id),
    foreign key (workspace_id, campaign_id) references campaigns (workspace_id, id)
);
create index links_updated_at on links (updated_at);
create trigger links_touch before update on links
    for each row execute function touch_updated_at();

-- A ref is a link's identity in the ingest cache, so it never changes: deactivate and create anew.
create function forbid_ref_change() returns trigger language plpgsql as $$
begin
    if new.ref <> old.ref or new.workspace_id <> old.workspace_id then
        raise exception 'a link''s ref and workspace are immutable; deactivate it and create a new link';
    end if;
    return new;
end $$;
create trigger links_ref_immutable before update on links
    for each row execute function forbid_ref_change();

-- Filled by the click-processor.
create table visitors (
    workspace_id  bigint      not null,
    visitor_id    text        not null,
    first_seen_at timestamptz not null,
    last_seen_at  timestamptz not null,
    primary key (workspace_id, visitor_id)
);

create table visitor_aliases (
    workspace_id bigint      not null,
    fingerprint  text        not null,
    visitor_id   text        not null,
    updated_at   timestamptz not null,
    primary key (workspace_id, fingerprint)
);

-- One row per accepted click; event_id makes every write idempotent. No foreign keys: rows are
-- written in bulk by the processor and must survive a link being deleted later.
create table clicks (
    event_id             uuid             primary key,
    workspace_id         bigint           not null,
    link_id              bigint           not null,
    affiliate_id         bigint           not null,
    campaign_id          bigint,
    ref                  text             not null,
    visitor_id           text             not null,
    canonical_visitor_id text             not null,
    match_method         text             not null,
    match_confidence     real             not null,
    fingerprint          text,
    url                  text,
    referrer             text,
    classification       text             not null check (classification in ('unique', 'duplicate')),
    key_id               bigint           not null,
    idempotency_key      text,
    received_at          timestamptz      not null,
    processed_at         timestamptz      not null
);
create index clicks_workspace_time on clicks (workspace_id, received_at);
create index clicks_link_time on clicks (link_id, received_at);
create index clicks_canonical_visitor on clicks (workspace_id, canonical_visitor_id, received_at);

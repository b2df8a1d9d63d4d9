-- clicks becomes a table partitioned by received_at (README "Migrations", docs/scaling.md).
--
-- Why: one ever-growing table cannot be trimmed except by a mass DELETE (every row a dead tuple for vacuum,
-- every index touched). Partitioned by time, retention drops whole partitions (detach + drop: a catalog change),
-- and the schema is the one Citus distributes by workspace_id (docs/scaling.md).
--
-- The key. PostgreSQL requires the partition column in every unique constraint of a partitioned table, and
-- Citus the distribution column: (workspace_id, event_id, received_at). received_at is fixed per event (every
-- copy of a click carries its request's) except for a click sent with an Idempotency-Key, whose event id is
-- derived from (workspace, key), so a retried request has the same event id and a later received_at. For those,
-- click_keyed_events keeps what clicks no longer can: one row per (workspace_id, event_id), with the received_at
-- its click is stored under. The processor claims it before writing (sink ClickRows), so a retry lands on the
-- stored row and the first body wins, as under the old primary key; retention trims it with the partitions.
--
-- Rows are moved, not attached: the old table becomes monthly partitions, one per month that holds rows, plus
-- the current month and the next two (the processor's default); the processor creates every later one (at
-- start, hourly, and before it writes a row whose period has none) with its configured period, filling gaps.
-- No default partition: a row in it would make creating the partition of its range fail later.
--
-- Not compatible with processors built before V4: their upsert names "on conflict (event_id)", which no longer
-- has a unique index; their writes fail and their rows stay pending (as during a PostgreSQL outage) until they
-- are replaced. README "Migrations" has the upgrade procedure.

drop view visitor_activity;

alter table clicks rename to clicks_v3;
alter index clicks_workspace_time rename to clicks_v3_workspace_time;
alter index clicks_link_time rename to clicks_v3_link_time;
alter index clicks_canonical_visitor rename to clicks_v3_canonical_visitor;
alter table clicks_v3 rename constraint clicks_pkey to clicks_v3_pkey;
alter table clicks_v3 rename constraint clicks_classification_check to clicks_v3_classification_check;

-- One row per accepted click. No foreign keys: rows are written in bulk by the processor and must survive a link
-- being deleted later.
create table clicks (
    event_id             uuid             not null,
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
    processed_at         timestamptz      not null,
    primary key (workspace_id, event_id, received_at)
) partition by range (received_at);

create index clicks_workspace_time on clicks (workspace_id, received_at);
-- Was (link_id, received_at): every lookup carries workspace_id, so it is served on one Citus shard.
create index clicks_link_time on clicks (workspace_id, link_id, received_at);
create index clicks_canonical_visitor on clicks (workspace_id, canonical_visitor_id, received_at);

-- Partition names: clicks_p<yyyymmdd of the lower bound>, as the processor names them (ClickPartitions).
do $$
declare
    month_start timestamptz;
begin
    for month_start in
        select distinct date_trunc('month', received_at at time zone 'UTC') at time zone 'UTC' from clicks_v3
        union
        select date_trunc('month', now() at time zone 'UTC') at time zone 'UTC' + make_interval(months => n)
        from generate_series(0, 2) as n
    loop
        execute format('create table %I partition of clicks for values from (%L) to (%L)',
                       'clicks_p' || to_char(month_start at time zone 'UTC', 'YYYYMMDD'),
                       month_start,
                       (month_start at time zone 'UTC' + interval '1 month') at time zone 'UTC');
    end loop;
end $$;

insert into clicks (event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                    canonical_visitor_id, match_method, match_confidence, fingerprint, url, referrer,
                    classification, key_id, idempotency_key, received_at, processed_at)
select event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
       canonical_visitor_id, match_method, match_confidence, fingerprint, url, referrer,
       classification, key_id, idempotency_key, received_at, processed_at
from clicks_v3;

create table click_keyed_events (
    workspace_id bigint      not null,
    event_id     uuid        not null,
    received_at  timestamptz not null,
    primary key (workspace_id, event_id)
);
-- Retention removes the entries of a dropped partition's range.
create index click_keyed_events_received_at on click_keyed_events (received_at);

insert into click_keyed_events (workspace_id, event_id, received_at)
select workspace_id, event_id, received_at from clicks_v3 where idempotency_key is not null;

drop table clicks_v3;

create view visitor_activity as
select v.workspace_id,
       v.visitor_id,
       v.first_seen_at,
       (select max(c.received_at)
        from clicks c
        where c.workspace_id = v.workspace_id
          and c.canonical_visitor_id = v.visitor_id) as last_seen_at
from visitors v;

-- Unmaintained since V2 (processors built since then never write or read it; last activity is
-- visitor_activity.last_seen_at). Only processors built before V2 wrote it, and V4 needs those replaced anyway.
alter table visitors drop column last_seen_at;

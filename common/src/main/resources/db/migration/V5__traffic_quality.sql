-- Traffic quality (issue 14, docs/traffic-quality.md): what the API learned about the visitor, the processor's
-- labels, and exact per-link daily totals.
--
-- Facts (written once, never updated; user_agent and ip_hash are request fields and part of the guard that keeps
-- a second body under one Idempotency-Key out): user_agent, ip_prefix, ip_hash, country, asn. The raw IP is never
-- stored (docs/traffic-quality-ingest.md).
--
-- Labels (derived by the processor at every write, so a replay re-labels): traffic, bot_reason, device_class,
-- agent_name. Rows stored before V5 had no user agent or IP: they are human, reason null.
alter table clicks
    add column user_agent   text,
    add column ip_prefix    text,
    add column ip_hash      text,
    add column country      text,
    add column asn          bigint,
    add column traffic      text not null default 'human' check (traffic in ('human', 'bot')),
    add column bot_reason   text check (bot_reason in ('link_preview', 'robot_user_agent', 'hosting_network',
                                                       'anonymous_proxy', 'velocity')),
    add column device_class text,
    add column agent_name   text,
    add constraint clicks_bot_has_reason check ((traffic = 'bot') = (bot_reason is not null));

-- Velocity counts the clicks of one ip_hash on one link in one UTC minute; the processor re-ranks a bucket after
-- every write into it. Partial: clicks without an IP (every click of the seed's clients) cost it nothing.
create index clicks_velocity on clicks (workspace_id, link_id, ip_hash, received_at) where ip_hash is not null;

-- One row per link and UTC day of received_at, always equal to a group by over clicks for the days clicks still
-- holds: the processor applies each write's deltas in the same transaction as the rows. Days whose partitions
-- retention dropped keep their totals (the aggregate a merchant keeps). Distributed by workspace_id with clicks
-- under Citus (db/citus/distribute.sql), so the key leads with it.
create table link_daily_totals (
    workspace_id        bigint not null,
    link_id             bigint not null,
    day                 date   not null,
    all_clicks          bigint not null,
    unique_clicks       bigint not null,
    duplicate_clicks    bigint not null,
    bot_clicks          bigint not null,
    unique_human_clicks bigint not null,
    primary key (workspace_id, link_id, day)
);

insert into link_daily_totals (workspace_id, link_id, day, all_clicks, unique_clicks, duplicate_clicks, bot_clicks,
                               unique_human_clicks)
select workspace_id, link_id, (received_at at time zone 'UTC')::date, count(*),
       count(*) filter (where classification = 'unique'),
       count(*) filter (where classification = 'duplicate'),
       count(*) filter (where traffic = 'bot'),
       count(*) filter (where classification = 'unique' and traffic = 'human')
from clicks
group by 1, 2, 3;

-- visitors is the registry of canonical visitors: a row is written when a visitor is first seen and
-- touched again only if an older sighting turns up, never on every click. Keeping last_seen_at current
-- meant one row update per click (a new row version, a dead one for vacuum); the click processor spent
-- a third of its PostgreSQL time on it (BENCHMARKS.md). Last activity is a read of clicks instead,
-- served by the index clicks_canonical_visitor (workspace_id, canonical_visitor_id, received_at).
--
-- The column stays for now, only no longer required: every service applies migrations at start, so this
-- runs while processors built before it may still be writing the column, and they must keep working
-- until they are replaced. A later migration drops it.
alter table visitors alter column last_seen_at drop not null;
comment on column visitors.last_seen_at is
    'deprecated: written only by processors built before V2; read visitor_activity.last_seen_at';

create view visitor_activity as
select v.workspace_id,
       v.visitor_id,
       v.first_seen_at,
       (select max(c.received_at)
        from clicks c
        where c.workspace_id = v.workspace_id
          and c.canonical_visitor_id = v.visitor_id) as last_seen_at
from visitors v;

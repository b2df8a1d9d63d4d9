-- Citus layout of the Affixo schema: the one list of which table is distributed (by workspace_id) and which is a
-- reference table. docs/scaling.md explains it; the click processor's CitusReadySchemaIT checks the migrated
-- catalog against it (every table listed once; every primary key and unique constraint of a distributed table
-- holds workspace_id; no foreign key Citus would refuse). Run once on the coordinator, after the Flyway
-- migrations and before the services write (docs/scaling.md, "Moving to Citus").

-- Reference tables: small, changed rarely, read by every node; a copy on each worker keeps joins to them local.
-- api_keys is looked up by key_hash before any workspace is known, so it cannot be distributed by workspace.
select create_reference_table('workspaces');
select create_reference_table('affiliates');
select create_reference_table('campaigns');
select create_reference_table('api_keys');
select create_reference_table('links');
-- Erasure requests and their audit (V6): rare, small, read by every processor's poll across workspaces.
select create_reference_table('visitor_erasures');

-- Distributed by workspace_id, all colocated with clicks: every key, lookup and join of them carries workspace_id,
-- so each runs on the one shard of its workspace.
select create_distributed_table('clicks', 'workspace_id');
select create_distributed_table('click_keyed_events', 'workspace_id', colocate_with => 'clicks');
select create_distributed_table('visitors', 'workspace_id', colocate_with => 'clicks');
select create_distributed_table('visitor_aliases', 'workspace_id', colocate_with => 'clicks');
select create_distributed_table('idempotency_keys', 'workspace_id', colocate_with => 'clicks');
-- Per link and UTC day totals (V5), updated in the same transaction as the clicks rows they count.
select create_distributed_table('link_daily_totals', 'workspace_id', colocate_with => 'clicks');
-- The sink looks each batch's identities up here, next to the rows it writes (V6, docs/privacy.md).
select create_distributed_table('erased_identities', 'workspace_id', colocate_with => 'clicks');

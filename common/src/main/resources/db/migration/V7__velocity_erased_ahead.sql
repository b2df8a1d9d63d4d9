-- Erasure keeps velocity labels (issue 16; docs/traffic-quality.md "Velocity and erasure", docs/privacy.md).
--
-- Erasure nulls a click's ip_hash, so the click leaves its velocity bucket (workspace, link, ip_hash, UTC minute).
-- A later re-rank of that bucket (a late click into it, a replay) would rank the other clicks without it and could
-- turn a neighbour's velocity label into human, moving the bot totals. So the erasure records, on each click of the
-- bucket it leaves behind, how many erased clicks ranked before it, and the re-rank counts them:
-- rank = position among the bucket's clicks + the running maximum of velocity_erased_ahead. Only a count, on the
-- other clicks' rows: nothing of the erased click (no derived token of its ip_hash) stays in the bucket.
-- Rows stored before V7 and rows of buckets no erasure touched have 0, which ranks as before.
alter table clicks
    add column velocity_erased_ahead integer not null default 0 check (velocity_erased_ahead >= 0);

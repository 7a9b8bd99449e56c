-- Counting a pool's waiting, queued and running task instances (the pools page, and promotion, which
-- leaves full pools out) reads only the instances still in play.
create index task_instance_pool_busy_idx on task_instance (pool, state)
    where pool is not null and state in ('scheduled', 'queued', 'running');

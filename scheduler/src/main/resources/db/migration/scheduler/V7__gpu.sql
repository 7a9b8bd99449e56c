-- Selective GPU execution: what each task instance asks of a GPU, why a GPU task still waits, and
-- which workers are connected now. Applied in the schema "gale"; frozen once released.

-- Copied from the task's resources when the instance is created, so that a claim can match them
-- against the claiming worker without reading the DAG version.
alter table task_instance add column gpu_count integer not null default 0;
alter table task_instance add column gpu_memory_mb bigint not null default 0;
-- Set while no connected worker could ever run the queued instance ("waiting for a worker with 1 GPU
-- of >= 40 GB"), with when that began; the instance fails with the reason after the GPU wait timeout.
alter table task_instance add column waiting_reason text;
alter table task_instance add column waiting_since timestamptz;

-- GPU workers claim from the few queued GPU tasks without scanning the many CPU ones.
create index task_instance_queued_gpu_idx on task_instance (queue, priority_weight desc, queued_at, id)
    where state = 'queued' and gpu_count > 0;
-- A claim counts the GPUs the worker's running attempts hold.
create index task_instance_running_gpu_idx on task_instance (worker_id) where state = 'running' and gpu_count > 0;

-- Null while the worker's assignment stream is open; last_heartbeat_at is refreshed by the API
-- replica holding that stream, so a replica that dies leaves its workers to age out.
alter table worker add column disconnected_at timestamptz;

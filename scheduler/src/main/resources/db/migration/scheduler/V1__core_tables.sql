-- Gale's core tables. Flyway applies this in the schema "gale"; frozen once released.

-- A DAG as last loaded from a bundle. Its versions hold the serialized structure.
create table dag (
    dag_id             text primary key,
    is_paused          boolean     not null default false,
    current_version_id bigint,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now()
);

-- Each distinct serialization of a DAG. Runs are pinned to one.
create table dag_version (
    id             bigint generated always as identity primary key,
    dag_id         text        not null references dag (dag_id),
    version_number integer     not null,
    hash           text        not null,
    spec           jsonb       not null,
    created_at     timestamptz not null default now(),
    unique (dag_id, hash),
    unique (dag_id, version_number)
);

alter table dag add constraint dag_current_version_fk foreign key (current_version_id) references dag_version (id);

create table dag_run (
    id             bigint generated always as identity primary key,
    run_id         text        not null unique,
    dag_id         text        not null references dag (dag_id),
    dag_version_id bigint      not null references dag_version (id),
    run_type       text        not null check (run_type in ('manual', 'scheduled', 'asset_triggered', 'backfill')),
    state          text        not null check (state in ('queued', 'running', 'success', 'failed', 'cancelled')),
    conf           jsonb       not null default '{}',
    -- conf with the DAG's param defaults applied: what tasks see.
    params         jsonb       not null default '{}',
    logical_date   timestamptz,
    result         jsonb,
    error          text,
    queued_at      timestamptz not null,
    started_at     timestamptz,
    ended_at       timestamptz
);

create index dag_run_dag_queued_idx on dag_run (dag_id, queued_at desc);
create index dag_run_unfinished_idx on dag_run (state) where state in ('queued', 'running');

create table task_instance (
    id                bigint generated always as identity primary key,
    dag_run_id        bigint      not null references dag_run (id) on delete cascade,
    task_id           text        not null,
    map_index         integer     not null default -1,
    state             text        not null check (state in ('none', 'scheduled', 'queued', 'running', 'success',
                                                 'failed', 'up_for_retry', 'skipped', 'upstream_failed',
                                                 'deferred', 'removed')),
    attempt           integer     not null default 0,
    max_attempts      integer     not null default 1,
    queue             text        not null default 'default',
    priority_weight   integer     not null default 1,
    worker_id         text,
    error             text,
    queued_at         timestamptz,
    started_at        timestamptz,
    ended_at          timestamptz,
    retry_at          timestamptz,
    last_heartbeat_at timestamptz,
    unique (dag_run_id, task_id, map_index)
);

-- The claim query reads queued work per queue in priority order.
create index task_instance_queued_idx on task_instance (queue, priority_weight desc, queued_at, id)
    where state = 'queued';
-- The heartbeat sweep reads running attempts.
create index task_instance_running_idx on task_instance (last_heartbeat_at) where state = 'running';

-- Task outputs. Small values inline as JSON.
create table xcom (
    task_instance_id bigint      not null references task_instance (id) on delete cascade,
    key              text        not null,
    value            jsonb       not null,
    created_at       timestamptz not null default now(),
    primary key (task_instance_id, key)
);

create table task_log (
    id               bigint generated always as identity primary key,
    task_instance_id bigint      not null references task_instance (id) on delete cascade,
    attempt          integer     not null,
    logged_at        timestamptz not null,
    stream           text        not null,
    line             text        not null
);

create index task_log_ti_idx on task_log (task_instance_id, attempt, id);

create table worker (
    worker_id         text primary key,
    hostname          text        not null,
    queues            text[]      not null,
    capabilities      jsonb       not null,
    software_version  text        not null,
    registered_at     timestamptz not null,
    last_heartbeat_at timestamptz not null
);

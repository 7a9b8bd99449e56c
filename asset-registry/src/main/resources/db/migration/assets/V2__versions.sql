-- Asset versions, what tasks read, and what asset-scheduled DAGs wait for. Applied in the schema
-- "gale_assets"; frozen once released.

alter table asset add column owner text not null default '';
alter table asset add column tags text[] not null default '{}';

-- A version is created when a task emits one, and never changes: a correction is a new version.
create table asset_version (
    id               bigint generated always as identity primary key,
    asset_id         bigint      not null references asset (id),
    version          integer     not null,
    dag_id           text        not null,
    dag_version      integer     not null,
    run_id           text        not null,
    task_id          text        not null,
    map_index        integer     not null,
    attempt          integer     not null,
    task_instance_id bigint      not null,
    -- Who or what produced it, for audits: the task attempt and the worker that ran it.
    produced_by      text        not null,
    -- Chosen by the worker per emit, so that a repeated call records one version, not two.
    event_id         text        not null,
    fingerprint      text,
    metadata         jsonb       not null default '{}',
    created_at       timestamptz not null default now(),
    unique (asset_id, version),
    unique (task_instance_id, event_id)
);

create index asset_version_run_idx on asset_version (run_id);
create index asset_version_producer_idx on asset_version (dag_id, task_id);

create function gale_assets.refuse_version_change() returns trigger
    language plpgsql as
$$
begin
    raise exception 'asset versions are immutable; emit a new version instead';
end;
$$;

create trigger asset_version_immutable
    before update or delete on asset_version
    for each row execute function gale_assets.refuse_version_change();

-- Versions whose asset-scheduled runs are not created yet; schedulers claim them with SKIP LOCKED.
create table asset_version_pending (
    asset_version_id bigint primary key references asset_version (id)
);

-- Which version each task instance read: the lineage asset -> task.
create table asset_version_read (
    asset_version_id bigint      not null references asset_version (id),
    task_instance_id bigint      not null,
    dag_id           text        not null,
    run_id           text        not null,
    task_id          text        not null,
    map_index        integer     not null,
    read_at          timestamptz not null default now(),
    primary key (asset_version_id, task_instance_id)
);

create index asset_version_read_run_idx on asset_version_read (run_id);
create index asset_version_read_task_idx on asset_version_read (dag_id, task_id);

-- For a DAG scheduled on all of several assets: the newest version of each seen since its last run.
create table asset_dag_queue (
    dag_id           text   not null,
    asset_id         bigint not null references asset (id),
    asset_version_id bigint not null references asset_version (id),
    primary key (dag_id, asset_id)
);

-- When Gale first saw each cron DAG: a DAG without a startDate is scheduled from then on, so a new
-- DAG with catchup does not get a run for every fire since the epoch.
create table dag_schedule (
    dag_id     text primary key references dag (dag_id),
    first_seen timestamptz not null
);

-- A backfill runs a DAG once per schedule interval of a range, at most max_active_runs at a time.
-- state: running, paused, completed, cancelled.
create table backfill (
    id              bigint generated always as identity primary key,
    dag_id          text        not null references dag (dag_id),
    from_date       timestamptz not null,
    to_date         timestamptz not null,
    conf            jsonb       not null,
    max_active_runs integer     not null,
    run_order       text        not null,
    reprocess       text        not null,
    state           text        not null,
    created_at      timestamptz not null,
    ended_at        timestamptz
);

create index backfill_dag_idx on backfill (dag_id, id);
create index backfill_running_idx on backfill (id) where state = 'running';

-- The backfill's intervals in the order it starts them; skipped_because says why one is not run.
create table backfill_entry (
    backfill_id         bigint      not null references backfill (id),
    position            integer     not null,
    logical_date        timestamptz not null,
    data_interval_start timestamptz not null,
    skipped_because     text,
    dag_run_id          bigint references dag_run (id),
    primary key (backfill_id, position)
);

-- A backfill looks up the existing runs of each logical date in its range.
create index dag_run_logical_date_idx on dag_run (dag_id, logical_date) where logical_date is not null;

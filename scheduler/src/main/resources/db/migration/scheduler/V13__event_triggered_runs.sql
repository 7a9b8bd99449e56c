-- Kafka-triggered DAGs: runs of type event_triggered, one per micro-batch of records, and for each
-- DAG and topic partition the offset committed after the last successful run. Frozen once released.

alter table dag_run drop constraint dag_run_run_type_check;
alter table dag_run add constraint dag_run_run_type_check
    check (run_type in ('manual', 'scheduled', 'asset_triggered', 'backfill', 'event_triggered'));

-- Kafka's consumer group holds the committed offsets; this copy says which run committed them and when.
create table event_offset (
    dag_id           text        not null references dag (dag_id),
    topic            text        not null,
    partition        integer     not null,
    -- The next offset the DAG reads, as committed to Kafka.
    committed_offset bigint      not null,
    -- The run whose success committed it; null when the batch held only dead letters.
    run_id           text,
    records          bigint      not null default 0,
    dead_letters     bigint      not null default 0,
    committed_at     timestamptz not null,
    primary key (dag_id, topic, partition)
);

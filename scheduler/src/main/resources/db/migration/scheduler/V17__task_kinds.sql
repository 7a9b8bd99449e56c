-- Task kinds: what a worker must be able to run ('java', 'command' or 'python'), copied from the
-- task's spec when the instance is created so that a claim matches it against the claiming worker's
-- kinds without reading the DAG version. Applied in the schema "gale"; frozen once released.
alter table task_instance add column task_kind text not null default 'java';

-- The wait review looks at the few queued instances of other kinds without scanning the Java ones.
create index task_instance_queued_kind_idx on task_instance (queue, task_kind)
    where state = 'queued' and task_kind <> 'java';

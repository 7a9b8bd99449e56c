-- The attempt that deferred: a resumed attempt is given the events of its own triggers, in order.
alter table task_trigger add column attempt integer not null default 0;

create index task_trigger_instance_idx on task_trigger (task_instance_id, attempt);

-- POST /api/v1/events/{key} fires every armed external-event trigger with that key.
create index task_trigger_external_key_idx on task_trigger ((spec ->> 'key'))
    where kind = 'external_event' and fired_at is null and disarmed_at is null;

-- A deferred instance that leaves deferred other than by its trigger firing (its run was cancelled, it
-- was marked, it timed out, it was cleared) disarms its trigger in the same statement, whichever code
-- moved it: a trigger never resumes a task that is no longer waiting for it.
create function deferred_instance_left() returns trigger language plpgsql set search_path from current as $$
begin
    update task_trigger set disarmed_at = now()
    where task_instance_id = new.id and fired_at is null and disarmed_at is null;
    return null;
end $$;

create trigger task_instance_left_deferred after update of state on task_instance
    for each row when (old.state = 'deferred' and new.state is distinct from 'deferred')
    execute function deferred_instance_left();

-- dag_run_finished triggers look for a DAG's first run that ended after they were armed.
create index dag_run_dag_ended_idx on dag_run (dag_id, ended_at) where ended_at is not null;

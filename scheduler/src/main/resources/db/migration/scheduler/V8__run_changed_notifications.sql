-- NOTIFY gale_run_changed with {"dagId": ..., "runId": ...} when a run or one of its task instances
-- changes state, so that API replicas can push live state to the web UI (server-sent events).
-- Statement-level triggers: a statement that changes many task instances of a run sends one
-- notification per run, and PostgreSQL folds identical notifications within a transaction.

-- Each function pins search_path to the schema Flyway migrates, whatever the session that fires a trigger uses.
create function notify_runs_changed(run_ids bigint[]) returns void language sql set search_path from current as $$
    select pg_notify('gale_run_changed', json_build_object('dagId', r.dag_id, 'runId', r.run_id)::text)
    from dag_run r where r.id = any (run_ids);
$$;

create function task_instances_inserted() returns trigger language plpgsql set search_path from current as $$
begin
    perform notify_runs_changed(array(select distinct dag_run_id from new_rows));
    return null;
end $$;

create function task_instances_updated() returns trigger language plpgsql set search_path from current as $$
begin
    perform notify_runs_changed(array(select distinct n.dag_run_id from new_rows n join old_rows o on o.id = n.id
                                      where n.state is distinct from o.state));
    return null;
end $$;

create function dag_runs_inserted() returns trigger language plpgsql set search_path from current as $$
begin
    perform notify_runs_changed(array(select id from new_rows));
    return null;
end $$;

create function dag_runs_updated() returns trigger language plpgsql set search_path from current as $$
begin
    perform notify_runs_changed(array(select n.id from new_rows n join old_rows o on o.id = n.id
                                      where n.state is distinct from o.state));
    return null;
end $$;

create trigger task_instance_inserted_notify after insert on task_instance
    referencing new table as new_rows for each statement execute function task_instances_inserted();
create trigger task_instance_updated_notify after update on task_instance
    referencing old table as old_rows new table as new_rows for each statement execute function task_instances_updated();
create trigger dag_run_inserted_notify after insert on dag_run
    referencing new table as new_rows for each statement execute function dag_runs_inserted();
create trigger dag_run_updated_notify after update on dag_run
    referencing old table as old_rows new table as new_rows for each statement execute function dag_runs_updated();

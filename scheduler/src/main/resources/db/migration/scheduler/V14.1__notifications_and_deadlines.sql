-- The outbox of run notifications. Rows are written by triggers in the transaction that ends a run
-- (or records its missed deadline), so no event is lost; a dispatcher delivers them later, retrying
-- with backoff, so that a slow or failing receiver never holds up scheduling.
-- state: pending, delivered, failed (gave up after the last attempt).
create table notification (
    id               bigint generated always as identity primary key,
    dag_run_id       bigint      not null references dag_run (id),
    event            text        not null,
    notifier         jsonb       not null,
    payload          jsonb       not null,
    state            text        not null default 'pending',
    attempts         integer     not null default 0,
    next_attempt_at  timestamptz,
    last_status_code integer,
    last_error       text,
    created_at       timestamptz not null default now(),
    delivered_at     timestamptz
);

create index notification_pending_idx on notification (next_attempt_at nulls first, id) where state = 'pending';
create index notification_run_idx on notification (dag_run_id);

-- When a run had to finish by; missed_at is set once, when a scheduler finds it unfinished past due_at.
create table run_deadline (
    dag_run_id bigint primary key references dag_run (id),
    due_at     timestamptz not null,
    missed_at  timestamptz
);

create index run_deadline_due_idx on run_deadline (due_at) where missed_at is null;

create function enqueue_run_notifications(run dag_run, run_event text) returns void
    language sql set search_path from current as $$
    insert into notification (dag_run_id, event, notifier, payload)
    select run.id, run_event, n.notifier, json_build_object(
               'event', run_event, 'dagId', run.dag_id, 'runId', run.run_id, 'runType', run.run_type,
               'state', run.state, 'logicalDate', run.logical_date, 'queuedAt', run.queued_at,
               'endedAt', run.ended_at, 'error', run.error,
               'failedTasks', coalesce((select json_agg(ti.task_id order by ti.task_id) from task_instance ti
                                        where ti.dag_run_id = run.id and ti.state = 'failed'), '[]'::json))
    from dag_version v, jsonb_array_elements(coalesce(v.spec -> 'notifiers', '[]'::jsonb)) as n(notifier)
    where v.id = run.dag_version_id and n.notifier -> 'events' ? run_event;
$$;

create function dag_run_ended_enqueue() returns trigger language plpgsql set search_path from current as $$
begin
    if new.state in ('success', 'failed') and new.state is distinct from old.state then
        perform enqueue_run_notifications(new, new.state);
    end if;
    return null;
end $$;

create trigger dag_run_ended_enqueue after update of state on dag_run
    for each row execute function dag_run_ended_enqueue();

create function dag_run_deadline() returns trigger language plpgsql set search_path from current as $$
declare
    deadline jsonb;
begin
    select v.spec -> 'deadline' into deadline from dag_version v where v.id = new.dag_version_id;
    if deadline is not null then
        insert into run_deadline (dag_run_id, due_at)
        values (new.id, (case when deadline ->> 'from' = 'logical_date' then coalesce(new.logical_date, new.queued_at)
                              else new.queued_at end)
                        + make_interval(secs => (deadline ->> 'withinMs')::bigint / 1000.0));
    end if;
    return null;
end $$;

create trigger dag_run_deadline after insert on dag_run for each row execute function dag_run_deadline();

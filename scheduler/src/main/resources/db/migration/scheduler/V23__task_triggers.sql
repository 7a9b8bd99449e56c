-- A trigger a deferred task instance waits on. Schedulers evaluate the armed ones; the first to see
-- its condition true sets fired_at with a conditional update, so it fires once however many look.
create table task_trigger (
    id               bigint generated always as identity primary key,
    task_instance_id bigint      not null references task_instance (id) on delete cascade,
    kind             text        not null,
    spec             jsonb       not null,
    armed_at         timestamptz not null,
    next_check_at    timestamptz not null,
    timeout_at       timestamptz,
    fired_at         timestamptz,
    event            jsonb,
    disarmed_at      timestamptz
);

-- Schedulers read the armed triggers due for a look, oldest first.
create index task_trigger_armed_idx on task_trigger (next_check_at) where fired_at is null and disarmed_at is null;

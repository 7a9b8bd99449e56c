-- What people did to task instances by hand (clear, mark success, mark failed), who did it and why.
create table task_action (
    id         bigint generated always as identity primary key,
    dag_run_id bigint      not null references dag_run (id),
    task_id    text        not null,
    action     text        not null,
    reason     text        not null,
    actor      text        not null,
    at         timestamptz not null
);

create index task_action_run_idx on task_action (dag_run_id, id);

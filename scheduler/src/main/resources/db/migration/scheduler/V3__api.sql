-- What the REST API needs: notes and idempotency keys on runs, attempt history, API tokens.
-- Flyway applies this in the schema "gale"; frozen once released.

alter table dag_run add column note text;
-- A client's Idempotency-Key, with a hash of the request it came with: the same key and request
-- return the same run, the same key with another request is refused.
alter table dag_run add column idempotency_key text;
alter table dag_run add column request_hash text;
create unique index dag_run_idempotency_key_idx on dag_run (dag_id, idempotency_key)
    where idempotency_key is not null;

-- Run listings page newest first with a (queued_at, id) cursor, per DAG and across DAGs.
drop index dag_run_dag_queued_idx;
create index dag_run_dag_queued_idx on dag_run (dag_id, queued_at desc, id desc);
create index dag_run_queued_idx on dag_run (queued_at desc, id desc);

-- Attempts that ended; the current attempt lives on task_instance until it ends.
create table task_attempt (
    task_instance_id bigint      not null references task_instance (id) on delete cascade,
    attempt          integer     not null,
    state            text        not null,
    worker_id        text,
    error            text,
    started_at       timestamptz,
    ended_at         timestamptz,
    primary key (task_instance_id, attempt)
);

-- Bearer tokens for the REST API. Only a SHA-256 of each token is kept; revoking deletes the row.
create table api_token (
    id         bigint generated always as identity primary key,
    name       text        not null unique,
    role       text        not null check (role in ('viewer', 'operator', 'admin')),
    token_hash text        not null unique,
    created_at timestamptz not null
);

-- Which process of a worker id holds its assignment stream. A worker restarted under the same id
-- registers with a new incarnation, and the attempts the previous one held are released at once.
-- Frozen once released.
alter table worker add column incarnation text not null default '';

-- Keys generated once and shared by every API replica through the database (e.g. the task-token
-- signing key when the deployment sets none). Never sent to workers.
create table signing_key (
    name       text primary key,
    secret     text        not null,
    created_at timestamptz not null default now()
);

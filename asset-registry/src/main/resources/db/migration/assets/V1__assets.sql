-- The asset registry's tables. Flyway applies this in the schema "gale_assets"; frozen once released.

-- A named thing tasks produce or consume: a dataset, a model, an embedding index, a report.
create table asset (
    id          bigint generated always as identity primary key,
    name        text        not null unique,
    kind        text        not null check (kind in ('dataset', 'model', 'embedding_index', 'report', 'other')),
    description text        not null default '',
    created_at  timestamptz not null default now()
);

-- Which DAG tasks declare an asset as input or output.
create table asset_reference (
    asset_id  bigint not null references asset (id),
    dag_id    text   not null,
    task_id   text   not null,
    direction text   not null check (direction in ('inlet', 'outlet')),
    primary key (asset_id, dag_id, task_id, direction)
);

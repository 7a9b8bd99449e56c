-- Connections and Variables as Airflow users know them. Each is kept whole as one value sealed by
-- the secrets key (AES-256-GCM), so that nothing of a credential is readable in the database.
create table connection (
    conn_id    text        primary key,
    sealed     text        not null,
    updated_at timestamptz not null
);
create table variable (
    key        text        primary key,
    sealed     text        not null,
    updated_at timestamptz not null
);

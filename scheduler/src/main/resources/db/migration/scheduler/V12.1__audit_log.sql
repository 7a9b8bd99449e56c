-- Admin actions (token create/revoke, pause, cancel, clear), newest read first.
create table audit_log (
    id         bigint generated always as identity primary key,
    at         timestamptz not null,
    actor      text        not null,
    action     text        not null,
    target     text        not null
);
create index audit_log_newest on audit_log (id desc);

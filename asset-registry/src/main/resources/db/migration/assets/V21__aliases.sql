-- Asset aliases: named pointers (such as "production") to one version of an asset, and every move of
-- them. Applied in the schema "gale_assets"; frozen once released.

create table asset_alias (
    asset_id         bigint      not null references asset (id),
    name             text        not null check (name ~ '^[a-z][a-z0-9_-]{0,62}$'),
    asset_version_id bigint      not null references asset_version (id),
    moved_by         text        not null,
    moved_at         timestamptz not null default now(),
    primary key (asset_id, name)
);

-- One row per move, never changed: who or what moved the alias, when, why, and from which version to which.
create table asset_alias_move (
    id                    bigint generated always as identity primary key,
    asset_id              bigint      not null references asset (id),
    alias                 text        not null,
    from_asset_version_id bigint references asset_version (id),
    to_asset_version_id   bigint      not null references asset_version (id),
    moved_by              text        not null,
    reason                text        not null default '',
    moved_at              timestamptz not null default now()
);

create index asset_alias_move_alias_idx on asset_alias_move (asset_id, alias, id);

create trigger asset_alias_move_immutable
    before update or delete on asset_alias_move
    for each row execute function gale_assets.refuse_version_change();

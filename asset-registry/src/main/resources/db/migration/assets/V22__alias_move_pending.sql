-- Alias moves whose alias-scheduled runs are not created yet; schedulers claim them with SKIP LOCKED, as they
-- claim asset_version_pending. Applied in the schema "gale_assets"; frozen once released.

create table asset_alias_move_pending (
    asset_alias_move_id bigint primary key references asset_alias_move (id)
);

package dev.gale.assets;

/** Filters for listing assets; null means any. */
public record AssetQuery(AssetKind kind, String namePrefix, String tag, int limit, int offset) {
}

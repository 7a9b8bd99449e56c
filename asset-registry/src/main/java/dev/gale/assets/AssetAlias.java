package dev.gale.assets;

import java.time.Instant;

/** A named pointer, such as {@code production}, to one version of an asset, and its last move. */
public record AssetAlias(String assetName, String alias, int version, String movedBy, Instant movedAt) {
}

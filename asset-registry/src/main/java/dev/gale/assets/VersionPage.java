package dev.gale.assets;

import java.util.List;

/** One page of an asset's versions, newest first, and how many it has in all. */
public record VersionPage(List<AssetVersion> versions, int totalEntries) {
}

package dev.gale.assets;

import java.util.List;

/** One page of assets and how many match in all. */
public record AssetPage(List<Asset> assets, int totalEntries) {
}

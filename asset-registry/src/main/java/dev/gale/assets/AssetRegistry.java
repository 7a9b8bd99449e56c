package dev.gale.assets;

import java.util.Collection;
import java.util.List;

/** The asset registry's API: the assets Gale knows and which tasks read and write them. */
public interface AssetRegistry {

    /** Records that these tasks read or write these assets, creating assets not seen before. */
    void declare(Collection<AssetReference> references);

    List<Asset> list();

    List<AssetReference> references(String assetName);
}

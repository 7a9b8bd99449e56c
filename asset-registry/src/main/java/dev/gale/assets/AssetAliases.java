package dev.gale.assets;

import java.util.List;
import java.util.Optional;

/** Named pointers to asset versions, such as {@code production}, moved atomically and with their history. */
public interface AssetAliases {

    /**
     * Points the alias at the version and records the move, in one transaction with a lock on the alias.
     * Throws {@link UnknownAssetException} when the asset or version does not exist, and
     * {@link AliasConflictException} when the alias does not point at the expected version.
     */
    AliasMove move(AliasMoveRequest request);

    /** The aliases of an asset, by name. */
    List<AssetAlias> aliases(String assetName);

    /** The version an alias points at. */
    Optional<AssetAlias> alias(String assetName, String alias);

    /** Every move of an alias, newest first. */
    List<AliasMove> history(String assetName, String alias);
}

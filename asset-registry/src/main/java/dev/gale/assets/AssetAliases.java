package dev.gale.assets;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

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

    /**
     * Hands up to {@code max} moves whose alias-scheduled runs are not created yet to {@code handler}, oldest
     * first, with the id of each move, and marks them handled when it returns, in one transaction. Moves another
     * scheduler is handling are skipped, not waited for; returns how many were handled.
     */
    int handlePendingMoves(int max, Consumer<PendingAliasMove> handler);

    /** A move of an alias, with the id that keys the run it triggers. */
    record PendingAliasMove(long moveId, AliasMove move) {
    }
}

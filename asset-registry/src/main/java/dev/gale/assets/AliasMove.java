package dev.gale.assets;

import java.time.Instant;

/**
 * One move of an alias: from {@code fromVersion} (0 when the alias is new) to {@code toVersion}, by whom
 * (a user, or the task attempt that moved it) and why.
 */
public record AliasMove(String assetName, String alias, int fromVersion, int toVersion, String movedBy,
                        String reason, Instant movedAt) {
}

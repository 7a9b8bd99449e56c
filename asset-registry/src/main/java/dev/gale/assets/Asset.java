package dev.gale.assets;

import java.time.Instant;
import java.util.List;

/**
 * A named thing that tasks produce or consume. {@code owner} and {@code tags} come from the DAGs
 * that write it; {@code latestVersion} is 0 while no version exists.
 */
public record Asset(long id, String name, AssetKind kind, String description, String owner, List<String> tags,
                    int latestVersion, Instant createdAt) {
    public Asset {
        tags = List.copyOf(tags);
    }
}

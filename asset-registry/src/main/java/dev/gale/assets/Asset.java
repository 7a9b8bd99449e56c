package dev.gale.assets;

import java.time.Instant;

/** A named thing that tasks produce or consume. */
public record Asset(long id, String name, AssetKind kind, String description, Instant createdAt) {
}

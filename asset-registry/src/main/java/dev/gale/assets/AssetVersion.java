package dev.gale.assets;

import java.time.Instant;

/** One immutable version of an asset, with the task attempt that produced it and its metadata as a JSON object. */
public record AssetVersion(long id, long assetId, String assetName, int version, String dagId, int dagVersion,
                           String runId, String taskId, int mapIndex, int attempt, String producedBy,
                           String fingerprint, String metadataJson, Instant createdAt) {
}

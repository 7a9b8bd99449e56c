package dev.gale.assets;

/**
 * A version a task emits. {@code eventId} is chosen by the worker for each emit: repeating the same
 * emit (after a lost answer) returns the version already recorded. {@code fingerprint} may be null.
 */
public record NewAssetVersion(String assetName, ProducingTask producer, String eventId, String fingerprint,
                              String metadataJson) {
}

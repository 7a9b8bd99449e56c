package dev.gale.sdk;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A version of an asset as a task reads it: its number, its metadata, and the run and task that produced it. */
public record AssetVersionInfo(String assetName, int version, Map<String, Object> metadata, String dagId,
                               String runId, String taskId, Instant createdAt) {
    public AssetVersionInfo {
        // Metadata may hold JSON nulls, which Map.copyOf refuses.
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** One metadata field, e.g. {@code metric("rmse")}; null when absent. */
    public Object metadata(String field) {
        return metadata.get(field);
    }
}

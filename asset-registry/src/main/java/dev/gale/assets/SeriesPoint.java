package dev.gale.assets;

import java.time.Instant;

/** One metadata field of one version, for charts; {@code valueJson} is null when the version lacks the field. */
public record SeriesPoint(int version, Instant createdAt, String runId, String valueJson) {
}

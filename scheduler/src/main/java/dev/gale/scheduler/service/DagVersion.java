package dev.gale.scheduler.service;

import dev.gale.sdk.spec.DagSpec;
import java.time.Instant;

/** One stored version of a DAG: its serialized structure and the hash that identifies it. */
public record DagVersion(long id, String dagId, int versionNumber, String hash, DagSpec spec, Instant createdAt) {
}

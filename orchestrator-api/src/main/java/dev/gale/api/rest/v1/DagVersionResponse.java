package dev.gale.api.rest.v1;

import dev.gale.scheduler.service.DagVersion;
import java.time.Instant;

/** One stored version of a DAG; {@code current} is the one new runs are pinned to. */
record DagVersionResponse(int versionNumber, String hash, Instant createdAt, boolean current, int taskCount) {

    static DagVersionResponse of(DagVersion version, boolean current) {
        return new DagVersionResponse(version.versionNumber(), version.hash(), version.createdAt(), current,
                version.spec().tasks().size());
    }
}

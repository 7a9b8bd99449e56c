package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.DagRunState;
import java.time.Instant;

/** A DAG run as stored. JSON fields are raw JSON text. */
public record DagRunView(
        long id,
        String runId,
        String dagId,
        int dagVersionNumber,
        String runType,
        DagRunState state,
        String confJson,
        String resultJson,
        String error,
        String note,
        Instant logicalDate,
        Instant queuedAt,
        Instant startedAt,
        Instant endedAt) {
}

package dev.gale.scheduler.service;

import java.time.Instant;

/** A run about to be created, its conf already validated against the DAG's params. */
public record NewDagRun(
        String runId,
        DagVersion version,
        String runType,
        String confJson,
        String paramsJson,
        Instant logicalDate,
        Instant queuedAt) {
}

package dev.gale.scheduler.service;

import java.time.Instant;

/**
 * A run about to be created, its conf already validated against the DAG's params. {@code idempotencyKey}
 * and {@code requestHash} are null unless the client sent an Idempotency-Key. {@code dataIntervalStart} is
 * null unless the run has a logical date and its DAG a cron schedule. {@code traceparent} is the W3C trace
 * context of the span that creates the run, null when nothing traces it.
 */
public record NewDagRun(
        String runId,
        DagVersion version,
        String runType,
        String confJson,
        String paramsJson,
        Instant logicalDate,
        Instant dataIntervalStart,
        Instant queuedAt,
        String note,
        String idempotencyKey,
        String requestHash,
        String traceparent) {
}

package dev.gale.scheduler.service;

import java.time.Instant;
import java.util.Map;

/**
 * A request to run a DAG. {@code logicalDate}, {@code note} and {@code idempotencyKey} may be null; a
 * run without a logical date is told apart from others by its run id alone.
 */
public record RunRequest(String dagId, Map<String, Object> conf, String runType, Instant logicalDate, String note,
                         String idempotencyKey) {
    public RunRequest {
        conf = Map.copyOf(conf);
    }
}

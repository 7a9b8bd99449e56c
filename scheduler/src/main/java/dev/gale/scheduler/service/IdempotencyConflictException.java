package dev.gale.scheduler.service;

/** An Idempotency-Key was reused with a different request; the earlier run stands and nothing was created. */
public class IdempotencyConflictException extends RuntimeException {
    public IdempotencyConflictException(String dagId, String key, String runId) {
        super("Idempotency-Key '" + key + "' was already used for run '" + runId + "' of DAG '" + dagId
                + "' with a different request. Send the same request to get that run again, or use a new key.");
    }
}

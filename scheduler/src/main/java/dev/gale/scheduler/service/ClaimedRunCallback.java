package dev.gale.scheduler.service;

import java.time.Instant;
import java.util.List;

/**
 * A run event claimed by a worker for one run of the DAG's run callback: the outbox row ({@code id},
 * {@code attempt} counting this one) and the run as the callback sees it. {@code logicalDate} and
 * {@code error} are null when the run has none.
 */
public record ClaimedRunCallback(long id, int attempt, String event, String dagId, String runId,
                                 String dagVersionHash, String state, String error, String paramsJson,
                                 Instant logicalDate, List<FailedTask> failedTasks) {
    public ClaimedRunCallback {
        failedTasks = List.copyOf(failedTasks);
    }

    /** A failed task instance of the run with its last error. */
    public record FailedTask(String taskId, int mapIndex, String error) {
    }
}

package dev.gale.scheduler.service;

import java.util.Map;
import org.slf4j.MDC;

/**
 * The task instance attempt a line is written on behalf of, in the logging MDC of the writing thread, under
 * the keys the workers use ({@code dagId}, {@code runId}, {@code taskId}, {@code mapIndex}, {@code attempt},
 * {@code workerId} when one holds it): so that the server's and the scheduler's lines about an attempt (its
 * claim, its outcome, its retry, its timeout) can be found with the worker's. Closing restores what was there.
 */
public final class TaskLogMdc implements AutoCloseable {
    private final Map<String, String> previous;

    private TaskLogMdc(String dagId, String runId, String taskId, int mapIndex, int attempt, String workerId) {
        previous = MDC.getCopyOfContextMap();
        MDC.put("dagId", dagId);
        MDC.put("runId", runId);
        MDC.put("taskId", taskId);
        MDC.put("mapIndex", Integer.toString(mapIndex));
        MDC.put("attempt", Integer.toString(attempt));
        if (workerId != null) {
            MDC.put("workerId", workerId);
        } else {
            MDC.remove("workerId");
        }
    }

    public static TaskLogMdc of(AttemptIdentity attempt) {
        return new TaskLogMdc(attempt.dagId(), attempt.runId(), attempt.taskId(), attempt.mapIndex(),
                attempt.attempt(), attempt.workerId());
    }

    public static TaskLogMdc of(ClaimedTask claim, String workerId) {
        return new TaskLogMdc(claim.dagId(), claim.runId(), claim.taskId(), claim.mapIndex(), claim.attempt(),
                workerId);
    }

    @Override
    public void close() {
        if (previous == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(previous);
        }
    }
}

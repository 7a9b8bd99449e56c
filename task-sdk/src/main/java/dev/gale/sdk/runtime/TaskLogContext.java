package dev.gale.sdk.runtime;

import dev.gale.tei.v1.Assignment;
import org.slf4j.MDC;

/**
 * The task an assignment is, in the logging MDC of the thread that works on it ({@code dagId}, {@code runId},
 * {@code taskId}, {@code mapIndex}, {@code attempt}, {@code workerId}), so that every line the worker writes on
 * its behalf says which task it is about, in text and in JSON logs. Closing restores what was there.
 */
final class TaskLogContext implements AutoCloseable {
    static final String[] KEYS = {"dagId", "runId", "taskId", "mapIndex", "attempt", "workerId"};

    private final java.util.Map<String, String> previous;

    private TaskLogContext(Assignment assignment, String workerId) {
        previous = MDC.getCopyOfContextMap();
        MDC.put("dagId", assignment.getDagId());
        MDC.put("runId", assignment.getRunId());
        MDC.put("taskId", assignment.getTaskId());
        MDC.put("mapIndex", Integer.toString(assignment.getMapIndex()));
        MDC.put("attempt", Integer.toString(assignment.getAttempt()));
        MDC.put("workerId", workerId);
    }

    static TaskLogContext of(Assignment assignment, String workerId) {
        return new TaskLogContext(assignment, workerId);
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

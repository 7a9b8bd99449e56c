package dev.gale.sdk;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** What a {@link TaskCallback} sees: the attempt that ended, how it ended, and the run it belongs to. */
public interface TaskCallbackContext {
    /** How the attempt ended, which says which callback runs. */
    enum Outcome {
        /** The attempt succeeded: {@code onSuccess}. */
        SUCCESS,
        /** The attempt failed and the task's retry policy retries it: {@code onRetry}. */
        RETRY,
        /** The attempt failed with no retry left (or one that cannot help): {@code onFailure}. */
        FAILURE
    }

    Outcome outcome();

    String dagId();

    String runId();

    String taskId();

    /** Index of this instance of a mapped task, or -1. */
    int mapIndex();

    /** The attempt that ended, starting at 1. */
    int attempt();

    /** The attempt's error (the exception's class and message, or the exit code); empty on success. */
    Optional<String> error();

    /** The run's params: its conf with the DAG's defaults applied. */
    Map<String, Object> params();

    /** As {@link TaskContext#logicalDate()}. */
    Optional<Instant> logicalDate();

    Optional<Instant> dataIntervalStart();

    Optional<Instant> dataIntervalEnd();

    /** A Connection by id, as {@link TaskContext#connection(String)}: e.g. the chat webhook to alert. */
    Connection connection(String connId);

    /** A Variable's value, as {@link TaskContext#variable(String)}. */
    String variable(String key);

    /** Writes a line to the attempt's task log. */
    void log(String line);
}

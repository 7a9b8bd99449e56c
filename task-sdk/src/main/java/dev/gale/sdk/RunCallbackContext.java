package dev.gale.sdk;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a {@link RunCallback} sees: the run, what happened to it, and its failed tasks. */
public interface RunCallbackContext {
    /** A task instance of the run that failed, with its last error. */
    record FailedTask(String taskId, int mapIndex, String error) {
    }

    /** What happened: {@code SUCCESS}, {@code FAILED} or {@code DEADLINE_MISSED}. */
    Notifier.RunEvent event();

    String dagId();

    String runId();

    /** The run's state when the event was recorded: {@code success}, {@code failed}, or {@code queued}/{@code running} for a missed deadline. */
    String state();

    /** The run's task instances that failed (for good), in task-id order; empty unless some did. */
    List<FailedTask> failedTasks();

    /** The run's error, when the run itself recorded one (e.g. it was failed by an operator or a budget). */
    Optional<String> error();

    /** The run's params: its conf with the DAG's defaults applied. */
    Map<String, Object> params();

    Optional<Instant> logicalDate();

    /** Which delivery of this event this is, starting at 1: more than 1 after a failed or lost delivery. */
    int attempt();

    /** Writes a line to the worker's log, naming the DAG, the run and the event. */
    void log(String line);
}

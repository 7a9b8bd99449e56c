package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.engine.TaskInstanceState;
import java.time.Duration;

/**
 * What the scheduler and the task-execution side tell an operator's metrics about what they did. The
 * composition root implements it on its metrics library; the engine and stores only call it. Labels are a DAG's
 * and a task's ids (never a run id, map index or worker id), so their number is bounded by the deployed DAGs.
 * Stores call it only for changes that committed.
 */
public interface SchedulerMetrics {
    /** Reports nothing: for tests and tools that have no metrics. */
    SchedulerMetrics NONE = new SchedulerMetrics() { };

    /** A worker claimed a task instance that had waited {@code waited} since it was queued. */
    default void taskClaimed(String dagId, String taskId, Duration waited) {
    }

    /** An attempt ended ({@code success}, {@code failed}, {@code up_for_retry}) after running {@code ran}. */
    default void attemptEnded(String dagId, String taskId, TaskInstanceState state, Duration ran) {
    }

    /** A run began running (it may have waited queued for a free {@code maxActiveRuns} slot first). */
    default void runStarted(String dagId) {
    }

    /** A run ended in {@code state}. */
    default void runFinished(String dagId, DagRunState state) {
    }

    /** One pass of the scheduling loop took {@code took}; {@code failed} when it stopped on an error. */
    default void schedulingPass(Duration took, boolean failed) {
    }

    /** One claim for a worker took {@code took} and gave it {@code tasks} task instances. */
    default void claim(Duration took, int tasks) {
    }
}

package dev.gale.scheduler.engine;

import java.util.Locale;

/** States of a task instance, with Airflow's names and meanings. */
public enum TaskInstanceState {
    /** Created with its run; its upstream tasks have not let it run yet. */
    NONE,
    /** Its dependencies are met; waiting for a pool or concurrency slot. */
    SCHEDULED,
    /** Waiting for a worker. */
    QUEUED,
    RUNNING,
    SUCCESS,
    FAILED,
    /** Failed, with retries left; queued again when its retry delay has passed. */
    UP_FOR_RETRY,
    SKIPPED,
    /** Will not run because an upstream task failed. */
    UPSTREAM_FAILED,
    /** Waits for an external event without holding a worker. */
    DEFERRED,
    REMOVED;

    /** Whether the instance is done for good: nothing will run it again. */
    public boolean isFinished() {
        return switch (this) {
            case SUCCESS, FAILED, SKIPPED, UPSTREAM_FAILED, REMOVED -> true;
            default -> false;
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskInstanceState fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}

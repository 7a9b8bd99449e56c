package dev.gale.sdk.runtime;

/**
 * Thrown by {@code TaskContext.defer} to end the task's code once the deferral is recorded with the
 * worker. An {@link Error}, so that task code catching {@link Exception} lets it through.
 */
final class TaskDeferred extends Error {
    TaskDeferred() {
        super("the task deferred; the worker hands it back to the server", null, false, false);
    }
}

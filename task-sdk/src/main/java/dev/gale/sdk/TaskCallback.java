package dev.gale.sdk;

/**
 * Java code a task runs when one of its attempts ends: declared with {@link TaskBuilder#onSuccess},
 * {@link TaskBuilder#onRetry} or {@link TaskBuilder#onFailure}, run by the worker that ran the attempt,
 * right after the outcome is known and before it is reported. What it throws goes to the task's log;
 * it never changes the task's outcome.
 */
@FunctionalInterface
public interface TaskCallback {
    void call(TaskCallbackContext ctx) throws Exception;
}

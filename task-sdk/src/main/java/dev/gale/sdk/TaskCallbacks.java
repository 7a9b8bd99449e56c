package dev.gale.sdk;

import java.time.Duration;
import java.util.Optional;

/**
 * The callbacks a task declared, and how long each may run before the worker gives up on it (so that a
 * callback that hangs cannot hold the worker's slot forever).
 */
public record TaskCallbacks(TaskCallback onSuccess, TaskCallback onRetry, TaskCallback onFailure, Duration timeout) {
    /** How long a callback may run unless the task says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(1);
    public static final TaskCallbacks NONE = new TaskCallbacks(null, null, null, DEFAULT_TIMEOUT);

    /** The callback for {@code outcome}, if the task declared one. */
    public Optional<TaskCallback> forOutcome(TaskCallbackContext.Outcome outcome) {
        return Optional.ofNullable(switch (outcome) {
            case SUCCESS -> onSuccess;
            case RETRY -> onRetry;
            case FAILURE -> onFailure;
        });
    }
}

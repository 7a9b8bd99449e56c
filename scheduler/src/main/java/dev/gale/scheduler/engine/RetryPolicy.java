package dev.gale.scheduler.engine;

import dev.gale.sdk.spec.TaskSpec;
import java.time.Duration;
import java.time.Instant;

/** What happens to a failed attempt: retried after a delay, or failed for good. */
public final class RetryPolicy {
    private RetryPolicy() {
    }

    /** The outcome of a failed attempt: the next state, and when to retry (null unless retrying). */
    public record AfterFailure(TaskInstanceState state, Instant retryAt) {
    }

    /**
     * @param attempt the attempt that failed, starting at 1
     * @param noRetry true when retrying cannot help (e.g. the worker cannot load the DAG version)
     */
    public static AfterFailure afterFailure(TaskSpec task, int attempt, boolean noRetry, Instant now) {
        if (noRetry || attempt > task.retries()) {
            return new AfterFailure(TaskInstanceState.FAILED, null);
        }
        return new AfterFailure(TaskInstanceState.UP_FOR_RETRY, now.plus(delayBefore(task, attempt + 1)));
    }

    /** The delay before {@code attempt} (2 for the first retry): doubled per retry with backoff, capped. */
    public static Duration delayBefore(TaskSpec task, int attempt) {
        long base = task.retryDelayMs();
        if (!task.exponentialBackoff()) {
            return Duration.ofMillis(base);
        }
        int doublings = Math.min(attempt - 2, 30);
        long delay = base << doublings;
        long cap = task.maxRetryDelayMs() == null ? Long.MAX_VALUE : task.maxRetryDelayMs();
        return Duration.ofMillis(delay < 0 ? cap : Math.min(delay, cap));
    }
}

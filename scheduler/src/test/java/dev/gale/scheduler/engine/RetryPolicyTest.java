package dev.gale.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.sdk.spec.TaskSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final Instant NOW = Instant.parse("2026-11-21T00:00:00Z");

    private static TaskSpec task(int retries, long delayMs, boolean exponential, Long maxDelayMs) {
        return new TaskSpec("t", List.of(), "all_success", retries, delayMs, exponential, maxDelayMs, null, "default",
                1, List.of(), List.of(), false, null, null, null, null, null, null, null);
    }

    @Test
    void aFailedAttemptWithRetriesLeftIsRetriedAfterTheDelay() {
        var after = RetryPolicy.afterFailure(task(2, 10_000, false, null), 1, false, NOW);

        assertThat(after.state()).isEqualTo(TaskInstanceState.UP_FOR_RETRY);
        assertThat(after.retryAt()).isEqualTo(NOW.plusSeconds(10));
    }

    @Test
    void theLastAttemptAndNoRetryFailuresFailForGood() {
        assertThat(RetryPolicy.afterFailure(task(2, 10_000, false, null), 3, false, NOW).state())
                .isEqualTo(TaskInstanceState.FAILED);
        assertThat(RetryPolicy.afterFailure(task(2, 10_000, false, null), 1, true, NOW).state())
                .isEqualTo(TaskInstanceState.FAILED);
    }

    @Test
    void exponentialBackoffDoublesPerRetryUpToTheCap() {
        TaskSpec task = task(10, 1_000, true, 5_000L);

        assertThat(RetryPolicy.delayBefore(task, 2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(RetryPolicy.delayBefore(task, 3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(RetryPolicy.delayBefore(task, 4)).isEqualTo(Duration.ofSeconds(4));
        assertThat(RetryPolicy.delayBefore(task, 5)).isEqualTo(Duration.ofSeconds(5));
        assertThat(RetryPolicy.delayBefore(task, 40)).isEqualTo(Duration.ofSeconds(5));
    }
}

package dev.gale.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeliveryRetryTest {
    private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
    private final DeliveryRetry retry = new DeliveryRetry(Duration.ofSeconds(10), Duration.ofMinutes(1), 6);

    @Test
    void eachWaitIsTwiceThePreviousUpToTheLongest() {
        assertThat(retry.nextAttempt(1, NOW)).contains(NOW.plusSeconds(10));
        assertThat(retry.nextAttempt(2, NOW)).contains(NOW.plusSeconds(20));
        assertThat(retry.nextAttempt(3, NOW)).contains(NOW.plusSeconds(40));
        assertThat(retry.nextAttempt(4, NOW)).contains(NOW.plusSeconds(60));
        assertThat(retry.nextAttempt(5, NOW)).contains(NOW.plusSeconds(60));
    }

    @Test
    void afterTheLastAttemptItGivesUp() {
        assertThat(retry.nextAttempt(6, NOW)).isEmpty();
    }
}

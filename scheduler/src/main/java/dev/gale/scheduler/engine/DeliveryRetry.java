package dev.gale.scheduler.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a failed notification delivery is tried again: after {@code first}, then twice as long each
 * time (at most {@code longest}), until {@code maxAttempts} attempts were made.
 */
public record DeliveryRetry(Duration first, Duration longest, int maxAttempts) {
    /** @param attempts the attempts made so far, the failed one included; empty when it is time to give up */
    public Optional<Instant> nextAttempt(int attempts, Instant now) {
        if (attempts >= maxAttempts) {
            return Optional.empty();
        }
        Duration wait = first.multipliedBy(1L << Math.min(attempts - 1, 30));
        return Optional.of(now.plus(wait.compareTo(longest) > 0 ? longest : wait));
    }
}

package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.DeliveryRetry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands DAGs' run callbacks (Java code run on a worker) out of the notification outbox to the workers
 * of their queue, and records how each went. The outbox row is written in the transaction that ends the
 * run, so no event is lost and scheduling never waits on a callback; a claim not reported within its
 * lease (the worker died) is handed out again, and a failed one is retried with backoff: at least once.
 */
public final class RunCallbackDeliveries {
    private static final Logger log = LoggerFactory.getLogger(RunCallbackDeliveries.class);
    private static final int MAX_CLAIM = 10;

    private final NotificationOutbox outbox;
    private final DeliveryRetry retry;
    private final Duration lease;
    private final Clock clock;

    /** @param lease how long a worker holds a claimed callback; longer than a callback may run on a worker */
    public RunCallbackDeliveries(NotificationOutbox outbox, DeliveryRetry retry, Duration lease, Clock clock) {
        this.outbox = outbox;
        this.retry = retry;
        this.lease = lease;
        this.clock = clock;
    }

    public Duration lease() {
        return lease;
    }

    /**
     * Up to {@code max} (1 to 10) due run callbacks of the queues {@code workerId} registered with, of the DAGs
     * {@code dagIds} (any when empty); none for an unknown worker.
     */
    public List<ClaimedRunCallback> claim(String workerId, List<String> dagIds, int max) {
        return outbox.claimRunCallbacks(workerId, dagIds, clock.instant(), lease, Math.clamp(max, 1, MAX_CLAIM));
    }

    /**
     * Records the outcome of a claimed callback: delivered when {@code error} is empty, else retried later
     * or, after the last attempt, failed. Ignored for a claim that is no longer current.
     */
    public void report(String workerId, long id, int attempt, Optional<String> error) {
        boolean recorded = error.isEmpty() ? outbox.runCallbackDelivered(id, attempt, clock.instant())
                : outbox.runCallbackFailed(id, attempt, "worker " + workerId + ": " + error.get(),
                        retry.nextAttempt(attempt, clock.instant()));
        if (!recorded) {
            log.info("Run callback {} attempt {} reported by {} after its claim had lapsed; ignored", id, attempt,
                    workerId);
        } else if (error.isPresent()) {
            log.warn("Run callback {} attempt {} failed on {}: {}", id, attempt, workerId, error.get());
        }
    }
}

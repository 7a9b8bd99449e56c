package dev.gale.scheduler.loop;

import dev.gale.scheduler.engine.RunDecider;
import dev.gale.scheduler.service.AssetTriggers;
import dev.gale.scheduler.service.SchedulerMetrics;
import dev.gale.scheduler.service.SchedulerStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's periodic duties: queue retries whose delay has passed, fail attempts whose worker
 * stopped heartbeating or that outlived their execution timeout, say why a GPU task no connected
 * worker can run still waits (and fail it after the GPU wait timeout), create asset-scheduled runs not
 * created yet, and (as a safety net) queue tasks and start runs that wait for free slots. Task
 * completion schedules downstream work itself, in the same transaction, so this loop is not on the
 * hot path. Safe to run in several processes at once:
 * every change goes through row locks.
 */
public final class SchedulingLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchedulingLoop.class);

    private final SchedulerStore store;
    private final Clock clock;
    private final Duration heartbeatTimeout;
    private final Duration gpuWaitTimeout;
    private final AssetTriggers assetTriggers;
    private final SchedulerMetrics metrics;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gale-scheduler");
        t.setDaemon(true);
        return t;
    });

    /** @param assetTriggers creates the runs of asset-scheduled DAGs for versions not handled yet; may be null */
    public SchedulingLoop(SchedulerStore store, Clock clock, Duration heartbeatTimeout, Duration gpuWaitTimeout,
                          AssetTriggers assetTriggers) {
        this(store, clock, heartbeatTimeout, gpuWaitTimeout, assetTriggers, SchedulerMetrics.NONE);
    }

    /** As above, timing each pass into {@code metrics}. */
    public SchedulingLoop(SchedulerStore store, Clock clock, Duration heartbeatTimeout, Duration gpuWaitTimeout,
                          AssetTriggers assetTriggers, SchedulerMetrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.clock = clock;
        this.heartbeatTimeout = heartbeatTimeout;
        this.gpuWaitTimeout = gpuWaitTimeout;
        this.assetTriggers = assetTriggers;
    }

    /**
     * When the last failed pass ended, while the next ones still fail; then when the passes came back.
     * Heartbeats could not be recorded while the database was away, so missing ones are not held against
     * workers until a whole heartbeat timeout has passed since it came back.
     */
    private boolean lastPassFailed;
    private Instant recoveredAt;

    public void start(Duration interval) {
        executor.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One pass of every duty. */
    public void tick() {
        long started = System.nanoTime();
        boolean passFailed = false;
        try {
            store.requeueDueRetries(clock.instant());
            if (lastPassFailed) {
                lastPassFailed = false;
                recoveredAt = clock.instant();
                log.info("Scheduling passes work again; missed heartbeats count from now");
            }
            if (recoveredAt == null || !clock.instant().isBefore(recoveredAt.plus(heartbeatTimeout))) {
                int failed = store.failAttemptsWithoutHeartbeat(clock.instant(), heartbeatTimeout, RunDecider::decide);
                if (failed > 0) {
                    log.warn("Failed {} task attempt(s) whose worker stopped heartbeating", failed);
                }
            }
            store.failTimedOutAttempts(clock.instant(), RunDecider::decide);
            int unplaceable = store.reviewGpuWaits(clock.instant(), clock.instant().minus(heartbeatTimeout),
                    gpuWaitTimeout, RunDecider::decide);
            if (unplaceable > 0) {
                log.warn("Failed {} GPU task instance(s) that no connected worker could run within {}", unplaceable,
                        gpuWaitTimeout);
            }
            store.queueScheduledTasks();
            store.startQueuedRuns(RunDecider::decide);
            if (assetTriggers != null) {
                // Versions are handled when emitted; this catches any whose emitter died before handling them.
                assetTriggers.handlePending();
            }
        } catch (RuntimeException e) {
            passFailed = true;
            if (!lastPassFailed) {
                log.error("Scheduling pass failed; the next passes retry", e);
            }
            lastPassFailed = true;
        }
        metrics.schedulingPass(Duration.ofNanos(System.nanoTime() - started), passFailed);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

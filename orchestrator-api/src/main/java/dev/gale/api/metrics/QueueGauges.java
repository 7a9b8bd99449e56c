package dev.gale.api.metrics;

import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.QueueMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gauges {@code gale.queue.depth}, {@code gale.queue.oldest.age.seconds} (tag {@code queue}) and
 * {@code gale.task.instances} (tag {@code state}), refreshed every {@link #REFRESH} from one grouped query so that
 * scrapes, however frequent, never load the database. A queue keeps its series (at 0) once it has been seen, so an
 * autoscaler reads 0 rather than no data when it drains.
 */
public final class QueueGauges implements AutoCloseable {
    static final Duration REFRESH = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(QueueGauges.class);

    private final QueueMetrics metrics;
    private final Clock clock;
    private final MultiGauge depth;
    private final MultiGauge oldestAge;
    private final MultiGauge instances;
    private final Set<String> seenQueues = new ConcurrentSkipListSet<>(Set.of("default"));
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("gale-queue-gauges").daemon().factory());

    public QueueGauges(QueueMetrics metrics, MeterRegistry registry, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
        depth = MultiGauge.builder("gale.queue.depth").description("Task instances queued, waiting for a worker")
                .register(registry);
        oldestAge = MultiGauge.builder("gale.queue.oldest.age.seconds")
                .description("How long the oldest queued task instance has waited").baseUnit("seconds")
                .register(registry);
        instances = MultiGauge.builder("gale.task.instances").description("Task instances by state")
                .register(registry);
        refresher.scheduleWithFixedDelay(this::refresh, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void refresh() {
        QueueMetrics.Snapshot snapshot;
        try {
            snapshot = metrics.read(clock.instant());
        } catch (RuntimeException e) {
            // The gauges keep their last values while PostgreSQL is away; health already reports the outage.
            LOG.debug("Could not read the queue metrics", e);
            return;
        }
        seenQueues.addAll(snapshot.queues().keySet());
        List<MultiGauge.Row<?>> depthRows = new ArrayList<>();
        List<MultiGauge.Row<?>> ageRows = new ArrayList<>();
        for (String queue : seenQueues) {
            QueueMetrics.QueueDepth queued = snapshot.queues().getOrDefault(queue,
                    new QueueMetrics.QueueDepth(0, Duration.ZERO));
            depthRows.add(MultiGauge.Row.of(Tags.of("queue", queue), queued.queued()));
            ageRows.add(MultiGauge.Row.of(Tags.of("queue", queue), queued.oldestWait().toMillis() / 1000.0));
        }
        List<MultiGauge.Row<?>> stateRows = new ArrayList<>();
        for (TaskInstanceState state : TaskInstanceState.values()) {
            stateRows.add(MultiGauge.Row.of(Tags.of("state", state.wireName()),
                    snapshot.byState().getOrDefault(state.wireName(), 0L)));
        }
        depth.register(depthRows, true);
        oldestAge.register(ageRows, true);
        instances.register(stateRows, true);
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}

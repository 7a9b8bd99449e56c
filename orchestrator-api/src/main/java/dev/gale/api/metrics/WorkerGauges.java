package dev.gale.api.metrics;

import dev.gale.scheduler.service.WorkerDirectory;
import dev.gale.scheduler.service.WorkerView;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connected workers and what their running attempts hold, read from the database every
 * {@link QueueGauges#REFRESH} (so every replica reports the whole cluster, not its own gRPC streams):
 * {@code gale_workers_connected}, {@code gale_worker_slots}, {@code gale_worker_slots_in_use},
 * {@code gale_worker_gpus}, {@code gale_worker_gpus_in_use}.
 */
public final class WorkerGauges implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerGauges.class);

    private final WorkerDirectory workers;
    private final AtomicLong connected = new AtomicLong();
    private final AtomicLong slots = new AtomicLong();
    private final AtomicLong slotsInUse = new AtomicLong();
    private final AtomicLong gpus = new AtomicLong();
    private final AtomicLong gpusInUse = new AtomicLong();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("gale-worker-gauges").daemon().factory());

    public WorkerGauges(WorkerDirectory workers, MeterRegistry registry) {
        this.workers = workers;
        gauge(registry, "gale.workers.connected", "Workers that heartbeat within the heartbeat timeout", connected);
        gauge(registry, "gale.worker.slots", "Task slots the connected workers offer", slots);
        gauge(registry, "gale.worker.slots.in.use", "Task slots held by running attempts", slotsInUse);
        gauge(registry, "gale.worker.gpus", "GPUs the connected workers offer", gpus);
        gauge(registry, "gale.worker.gpus.in.use", "GPUs held by running attempts", gpusInUse);
        refresher.scheduleWithFixedDelay(this::refresh, 0, QueueGauges.REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void gauge(MeterRegistry registry, String name, String description, AtomicLong value) {
        Gauge.builder(name, value, AtomicLong::get).description(description).register(registry);
    }

    private void refresh() {
        List<WorkerView> now;
        try {
            now = workers.connected();
        } catch (RuntimeException e) {
            // The gauges keep their last values while PostgreSQL is away; health already reports the outage.
            LOG.debug("Could not read the connected workers", e);
            return;
        }
        connected.set(now.size());
        slots.set(now.stream().mapToLong(WorkerView::slots).sum());
        slotsInUse.set(now.stream().mapToLong(WorkerView::slotsInUse).sum());
        gpus.set(now.stream().mapToLong(WorkerView::gpuCount).sum());
        gpusInUse.set(now.stream().mapToLong(WorkerView::gpusInUse).sum());
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}

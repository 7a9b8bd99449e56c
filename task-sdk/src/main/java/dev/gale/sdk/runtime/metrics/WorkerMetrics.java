package dev.gale.sdk.runtime.metrics;

import dev.gale.sdk.runtime.Worker;
import dev.gale.sdk.runtime.WorkerOptions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;

/**
 * A worker process's own metrics endpoint: what this worker offers and holds now, and its JVM. The cluster-wide
 * view (all workers, the queues, task durations) is the server's {@code /actuator/prometheus}; this one answers
 * "is this pod busy, and is it healthy":
 * {@code gale_worker_process_slots}, {@code gale_worker_process_slots_in_use}, {@code gale_worker_process_gpus},
 * and Micrometer's {@code jvm_memory_*}, {@code jvm_threads_*}, {@code process_cpu_usage}.
 */
public final class WorkerMetrics {
    private WorkerMetrics() {
    }

    /** Serves {@link MetricsEndpoint#PATH} for {@code worker} on {@code port} of every interface. */
    public static MetricsEndpoint serve(int port, Worker worker, WorkerOptions options) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("worker_id", options.workerId());
        Gauge.builder("gale.worker.process.slots", options::slots)
                .description("Task slots this worker offers").register(registry);
        Gauge.builder("gale.worker.process.slots.in.use", worker::runningTasks)
                .description("Task instances this worker runs now").register(registry);
        Gauge.builder("gale.worker.process.gpus", options::gpuCount)
                .description("GPUs this worker offers").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        return MetricsEndpoint.start("0.0.0.0", port, registry);
    }
}

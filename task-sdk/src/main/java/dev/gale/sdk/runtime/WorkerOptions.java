package dev.gale.sdk.runtime;

import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a worker connects and what it offers. Build with {@link #builder(String)}. A worker with GPUs
 * has a {@code gpuAllocator} (null otherwise) and, with {@code takesCpuTasks}, also runs tasks that
 * need no GPU. With {@code tls} the worker verifies the server against {@code tlsCa} (PEM), or the system
 * trust store when that is null. {@code taskRunners} run the task kinds the runtime does not run itself.
 * {@code openTelemetry} makes the worker's spans (one per attempt, one per model call) and carries their context
 * to the server; {@link OpenTelemetry#noop()} unless given.
 */
public record WorkerOptions(
        String apiTarget,
        String workerId,
        String hostname,
        List<String> queues,
        int slots,
        long memoryMb,
        int gpuCount,
        String gpuModel,
        long gpuMemoryMb,
        Map<String, String> labels,
        String workerSecret,
        Duration drainGracePeriod,
        GpuAllocator gpuAllocator,
        boolean takesCpuTasks,
        boolean tls,
        Path tlsCa,
        List<TaskKindRunner> taskRunners,
        OpenTelemetry openTelemetry) {

    public WorkerOptions {
        Objects.requireNonNull(apiTarget, "apiTarget");
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        queues = List.copyOf(queues);
        labels = Map.copyOf(labels);
        taskRunners = List.copyOf(taskRunners);
        if (slots < 1) {
            throw new IllegalArgumentException("a worker needs at least one slot, got " + slots);
        }
        if (gpuCount > 0 && gpuAllocator == null) {
            throw new IllegalArgumentException("a worker that offers " + gpuCount + " GPU(s) needs a GPU allocator");
        }
    }

    public static Builder builder(String apiTarget) {
        return new Builder(apiTarget);
    }

    public static final class Builder {
        private final String apiTarget;
        private String workerId = "worker-" + ProcessHandle.current().pid() + "@" + localHost();
        private List<String> queues = List.of("default");
        private int slots = Runtime.getRuntime().availableProcessors();
        private long memoryMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
        private int gpuCount;
        private String gpuModel = "";
        private long gpuMemoryMb;
        private Map<String, String> labels = Map.of();
        private String workerSecret = "";
        private Duration drainGracePeriod = Duration.ofSeconds(30);
        private GpuAllocator gpuAllocator;
        private boolean takesCpuTasks;
        private boolean tls;
        private Path tlsCa;
        private final List<TaskKindRunner> taskRunners = new java.util.ArrayList<>();
        private OpenTelemetry openTelemetry = OpenTelemetry.noop();

        private Builder(String apiTarget) {
            this.apiTarget = apiTarget;
        }

        public Builder workerId(String id) {
            this.workerId = id;
            return this;
        }

        public Builder queues(List<String> names) {
            this.queues = names;
            return this;
        }

        public Builder slots(int count) {
            this.slots = count;
            return this;
        }

        public Builder memoryMb(long mb) {
            this.memoryMb = mb;
            return this;
        }

        /** GPUs to offer, described by count, model and the memory of the smallest, handed out by {@code allocator}. */
        public Builder gpus(int count, String model, long memoryMbEach, GpuAllocator allocator) {
            this.gpuCount = count;
            this.gpuModel = model;
            this.gpuMemoryMb = memoryMbEach;
            this.gpuAllocator = allocator;
            return this;
        }

        /** For a worker with GPUs: also take tasks that need no GPU (by default it takes only GPU tasks). */
        public Builder takesCpuTasks(boolean takes) {
            this.takesCpuTasks = takes;
            return this;
        }

        public Builder labels(Map<String, String> values) {
            this.labels = values;
            return this;
        }

        public Builder workerSecret(String secret) {
            this.workerSecret = secret;
            return this;
        }

        /** Connect with TLS, verifying the server against {@code ca} (PEM), or the system trust store if null. */
        public Builder tls(boolean on, Path ca) {
            this.tls = on || ca != null;
            this.tlsCa = ca;
            return this;
        }

        /** Runs the tasks of {@code runner}'s kind, and advertises the kind to the server. */
        public Builder taskRunner(TaskKindRunner runner) {
            this.taskRunners.add(Objects.requireNonNull(runner));
            return this;
        }

        public Builder drainGracePeriod(Duration period) {
            this.drainGracePeriod = period;
            return this;
        }

        /** The SDK that records and exports the worker's spans (the process's, set up from the OTEL_* settings). */
        public Builder openTelemetry(OpenTelemetry sdk) {
            this.openTelemetry = sdk;
            return this;
        }

        public WorkerOptions build() {
            return new WorkerOptions(apiTarget, workerId, localHost(), queues, slots, memoryMb, gpuCount, gpuModel,
                    gpuMemoryMb, labels, workerSecret, drainGracePeriod, gpuAllocator, takesCpuTasks, tls, tlsCa,
                    taskRunners, openTelemetry);
        }
    }

    static String localHost() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }
}

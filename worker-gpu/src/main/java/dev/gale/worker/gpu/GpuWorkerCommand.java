package dev.gale.worker.gpu;

import dev.gale.sdk.runtime.DagRegistry;
import dev.gale.sdk.runtime.Worker;
import dev.gale.sdk.runtime.WorkerOptions;
import dev.gale.sdk.runtime.cli.WorkerOptionsMixin;
import dev.gale.sdk.runtime.tracing.TraceExportDefaults;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gale worker-gpu}: a worker that discovers its GPUs and advertises them to the API server. */
@Command(name = "gale worker-gpu", mixinStandardHelpOptions = true, version = "Gale 0.1.0",
        description = "Run a GPU worker: discover GPUs (nvidia-smi) or use a declared inventory, then pull work.")
public final class GpuWorkerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(GpuWorkerCommand.class);
    @Mixin
    WorkerOptionsMixin options;

    @Option(names = "--gpu-inventory", description = "Declare GPUs instead of discovering them, e.g. 2x24576"
            + " (env GALE_WORKER_GPU_INVENTORY, or -Dgale.worker.gpu.inventory). For routing tests and demos"
            + " without a GPU.")
    String inventory = System.getProperty("gale.worker.gpu.inventory", System.getenv("GALE_WORKER_GPU_INVENTORY"));

    @Option(names = "--cpu-tasks", description = "Also take tasks that need no GPU, after the GPU tasks that fit"
            + " (env GALE_WORKER_GPU_CPU_TASKS=true). By default a GPU worker takes only GPU tasks.")
    boolean cpuTasks = Boolean.parseBoolean(System.getenv("GALE_WORKER_GPU_CPU_TASKS"));

    public static void main(String[] args) {
        // Not logback.xml: this jar is also on the API server's classpath (standalone's GPU worker),
        // where a second logback.xml makes logback print its whole configuration at start.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "gale-worker-gpu-logback.xml");
        }
        System.exit(WorkerOptionsMixin.execute(new GpuWorkerCommand(), "gale worker-gpu", args));
    }

    @Override
    public Integer call() throws InterruptedException {
        GpuInventory gpus;
        try {
            gpus = inventory == null || inventory.isBlank() ? NvidiaSmi.discover() : GpuInventory.declared(inventory);
        } catch (IllegalArgumentException e) {
            System.err.println("gale worker-gpu: " + e.getMessage());
            return 2;
        }
        if (gpus.isEmpty()) {
            System.err.println("gale worker-gpu: no NVIDIA GPU found (nvidia-smi is missing or lists none);"
                    + " run on a GPU host, or declare an inventory with --gpu-inventory 1x24576.");
            return 3;
        }
        if (gpus.declared()) {
            log.info("GPU inventory is DECLARED, not discovered: {} GPU(s) of {} MiB", gpus.gpus().size(),
                    gpus.memoryMbEach());
        }
        log.info("GPUs: {}{}", gpus.describe(), cpuTasks ? "; also taking CPU tasks" : "; GPU tasks only");
        DagRegistry dags = options.loadDags();
        WorkerOptions workerOptions = options.toOptions(WorkerOptions.builder(options.api())
                .gpus(gpus.gpus().size(), gpus.model(), gpus.memoryMbEach(), new GpuSlots(gpus))
                .takesCpuTasks(cpuTasks)
                // The SDK's own shutdown hook flushes the spans not exported yet.
                .openTelemetry(AutoConfiguredOpenTelemetrySdk.builder()
                        .addPropertiesSupplier(() -> TraceExportDefaults.forProcess("gale-worker-gpu"))
                        .build().getOpenTelemetrySdk()));
        return options.runUntilStopped(new Worker(workerOptions, dags), workerOptions, dags);
    }
}

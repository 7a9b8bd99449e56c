package dev.gale.worker.cpu;

import dev.gale.sdk.runtime.DagRegistry;
import dev.gale.sdk.runtime.Worker;
import dev.gale.sdk.runtime.WorkerOptions;
import dev.gale.sdk.runtime.cli.WorkerOptionsMixin;
import dev.gale.sdk.runtime.tracing.TraceExportDefaults;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gale worker}: a CPU worker process that pulls task instances from an API server over gRPC. */
@Command(name = "gale worker", mixinStandardHelpOptions = true, version = "Gale 0.1.0",
        description = "Run a CPU worker: pull task instances from the API server over gRPC and run them.")
public final class CpuWorkerCommand implements Callable<Integer> {
    @Mixin
    WorkerOptionsMixin options;

    public static void main(String[] args) {
        System.exit(WorkerOptionsMixin.execute(new CpuWorkerCommand(), "gale worker", args));
    }

    @Override
    public Integer call() throws InterruptedException {
        DagRegistry dags = options.loadDags();
        // The SDK's own shutdown hook flushes the spans not exported yet.
        WorkerOptions workerOptions = options.toOptions(WorkerOptions.builder(options.api())
                .openTelemetry(AutoConfiguredOpenTelemetrySdk.builder()
                        .addPropertiesSupplier(() -> TraceExportDefaults.forProcess("gale-worker"))
                        .build().getOpenTelemetrySdk()));
        return options.runUntilStopped(new Worker(workerOptions, dags), workerOptions, dags);
    }
}

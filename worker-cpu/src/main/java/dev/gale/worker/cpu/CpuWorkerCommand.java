package dev.gale.worker.cpu;

import dev.gale.sdk.runtime.DagRegistry;
import dev.gale.sdk.runtime.Worker;
import dev.gale.sdk.runtime.WorkerOptions;
import dev.gale.sdk.runtime.cli.WorkerOptionsMixin;
import dev.gale.sdk.runtime.tracing.TraceExportDefaults;
import dev.gale.worker.kubernetes.KubernetesPodTasks;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gale worker}: a CPU worker process that pulls task instances from an API server over gRPC. */
@Command(name = "gale worker", mixinStandardHelpOptions = true, version = "Gale 0.1.0",
        description = "Run a CPU worker: pull task instances from the API server over gRPC and run them.")
public final class CpuWorkerCommand implements Callable<Integer> {
    @Mixin
    WorkerOptionsMixin options;

    @Option(names = "--kubernetes-pods", description = "Run kubernetes_pod tasks: auto (when the worker runs in a"
            + " cluster or KUBECONFIG names a file), true or false (env GALE_KUBERNETES_PODS, default auto).")
    String kubernetesPods = env("GALE_KUBERNETES_PODS", "auto");

    @Option(names = "--kubernetes-namespaces", split = ",", description = "Namespaces where task pods run, for the"
            + " clean-up of pods whose worker died (env GALE_KUBERNETES_NAMESPACES; default: the worker's own).")
    List<String> kubernetesNamespaces = List.of(env("GALE_KUBERNETES_NAMESPACES", "").split(",")).stream()
            .filter(s -> !s.isBlank()).toList();

    @Option(names = "--kubernetes-orphan-after", description = "How long a task pod's lease may go unrenewed before"
            + " any worker deletes it as an orphan (ISO-8601, default PT2M).")
    Duration orphanAfter = Duration.ofMinutes(2);

    public static void main(String[] args) {
        System.exit(WorkerOptionsMixin.execute(new CpuWorkerCommand(), "gale worker", args));
    }

    @Override
    public Integer call() throws InterruptedException {
        DagRegistry dags = options.loadDags();
        // The SDK's own shutdown hook flushes the spans not exported yet.
        WorkerOptions.Builder builder = WorkerOptions.builder(options.api())
                .openTelemetry(AutoConfiguredOpenTelemetrySdk.builder()
                        .addPropertiesSupplier(() -> TraceExportDefaults.forProcess("gale-worker"))
                        .build().getOpenTelemetrySdk());
        WorkerOptions draft = options.toOptions(builder);
        Optional<KubernetesPodTasks> pods = KubernetesPodTasks.start(kubernetesPods, draft.workerId(),
                kubernetesNamespaces, orphanAfter);
        pods.ifPresent(p -> builder.taskRunner(p.runner()));
        WorkerOptions workerOptions = pods.isPresent() ? builder.build() : draft;
        pods.ifPresent(p -> System.out.printf("Gale worker %s: runs kubernetes_pod tasks%n", workerOptions.workerId()));
        try {
            return options.runUntilStopped(new Worker(workerOptions, dags), workerOptions, dags);
        } finally {
            pods.ifPresent(KubernetesPodTasks::close);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

package dev.gale.worker.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's {@code kubernetes_pod} support: the Kubernetes client, the runner the worker hands pod tasks
 * to, and the orphan clean-up it runs at start and every minute. Off unless asked for or a Kubernetes
 * client configuration is at hand (the worker runs in a cluster, or KUBECONFIG names a file), so that a
 * worker never advertises a kind it cannot run.
 */
public final class KubernetesPodTasks implements AutoCloseable {
    static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
    private static final Duration LEASE_INTERVAL = Duration.ofSeconds(15);
    private static final Duration CLEAN_UP_INTERVAL = Duration.ofMinutes(1);
    private static final Duration DELETE_PATIENCE = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(KubernetesPodTasks.class);

    private final KubernetesClient client;
    private final KubernetesPodRunner runner;
    private final OrphanPods orphans;

    private KubernetesPodTasks(KubernetesClient client, String workerId, List<String> namespaces,
                               Duration orphanAfter) {
        this.client = client;
        this.runner = new KubernetesPodRunner(client, POLL_INTERVAL, LEASE_INTERVAL);
        List<String> watched = namespaces.isEmpty()
                ? List.of(client.getNamespace() == null ? "default" : client.getNamespace()) : namespaces;
        this.orphans = new OrphanPods(client, watched, workerId, runner.workerProcess(), orphanAfter)
                .every(CLEAN_UP_INTERVAL);
    }

    /**
     * Pod task support for the worker {@code workerId}, when {@code mode} ({@code auto}, {@code true} or
     * {@code false}) says so; {@code namespaces} are where orphaned pods are looked for (empty: the client's
     * namespace); a pod whose lease is older than {@code orphanAfter} is deleted.
     */
    public static Optional<KubernetesPodTasks> start(String mode, String workerId, List<String> namespaces,
                                                     Duration orphanAfter) {
        boolean on = switch (mode) {
            case "true" -> true;
            case "false" -> false;
            case "auto" -> configAvailable(System.getenv(), SERVICE_ACCOUNT_TOKEN);
            default -> throw new IllegalArgumentException("--kubernetes-pods is '" + mode
                    + "'; it must be auto, true or false");
        };
        if (!orphanAfter.minus(LEASE_INTERVAL.multipliedBy(3)).isPositive()) {
            throw new IllegalArgumentException("--kubernetes-orphan-after must be longer than three lease intervals ("
                    + LEASE_INTERVAL.multipliedBy(3).toSeconds() + " s), got " + orphanAfter.toSeconds() + " s");
        }
        return on ? Optional.of(new KubernetesPodTasks(new KubernetesClientBuilder().build(), workerId, namespaces,
                orphanAfter)) : Optional.empty();
    }

    /** In a cluster (its service account token is mounted), or with KUBECONFIG naming a file. */
    static boolean configAvailable(Map<String, String> env, Path serviceAccountToken) {
        if (env.get("KUBERNETES_SERVICE_HOST") != null && Files.exists(serviceAccountToken)) {
            return true;
        }
        String kubeconfig = env.get("KUBECONFIG");
        return kubeconfig != null && !kubeconfig.isBlank()
                && java.util.Arrays.stream(kubeconfig.split(java.io.File.pathSeparator))
                .anyMatch(p -> Files.isRegularFile(Path.of(p)));
    }

    public KubernetesPodRunner runner() {
        return runner;
    }

    /** Once the worker has drained: lets the pod attempts it interrupted delete their pods, then closes the client. */
    @Override
    public void close() {
        orphans.close();
        try {
            if (!runner.awaitIdle(DELETE_PATIENCE)) {
                log.warn("Pods of interrupted attempts were not all deleted within {} s; orphan clean-up on another"
                        + " worker will delete them", DELETE_PATIENCE.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            client.close();
        }
    }
}

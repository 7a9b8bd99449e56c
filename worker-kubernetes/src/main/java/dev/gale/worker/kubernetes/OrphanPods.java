package dev.gale.worker.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the pods of {@code kubernetes_pod} tasks that no worker watches any more: their worker died
 * (killed, its node lost) before it could delete them. A worker renews the lease annotation of each pod
 * it runs every lease interval while it waits for the pod, so a pod of another worker process whose lease
 * is older than {@code orphanAfter} has nobody left to report it or delete it; a pod labelled with this
 * worker's id but made by an earlier process of it is orphaned at once. The server has given the attempt
 * up too (missed heartbeats) or soon will, and retries it with a new pod; nothing needs the database or
 * a list of live workers. The Secrets Gale made for pods are owned by them, so Kubernetes deletes them too.
 */
public final class OrphanPods implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OrphanPods.class);

    private final KubernetesClient client;
    private final List<String> namespaces;
    private final String workerIdLabel;
    private final String workerProcess;
    private final Duration orphanAfter;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gale-orphan-pods");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param namespaces where task pods may run (the namespaces the DAGs name, and the worker's own)
     * @param orphanAfter how old a lease must be for its pod to be an orphan: several lease intervals
     */
    public OrphanPods(KubernetesClient client, List<String> namespaces, String workerId, String workerProcess,
                      Duration orphanAfter) {
        this.client = client;
        this.namespaces = List.copyOf(namespaces);
        this.workerIdLabel = PodLabels.labelValue(workerId);
        this.workerProcess = workerProcess;
        this.orphanAfter = orphanAfter;
    }

    /** Cleans up now and then every {@code interval}, until closed. */
    public OrphanPods every(Duration interval) {
        timer.scheduleWithFixedDelay(this::cleanUpQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void cleanUpQuietly() {
        try {
            cleanUp();
        } catch (RuntimeException e) {
            log.warn("Orphan pod clean-up failed; trying again later: {}", e.getMessage());
        }
    }

    /** Deletes the orphaned pods once; returns their names. */
    public List<String> cleanUp() {
        List<String> deleted = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (String namespace : namespaces) {
            List<Pod> pods = client.pods().inNamespace(namespace).withLabel(PodLabels.MANAGED_BY, PodLabels.GALE)
                    .list().getItems();
            for (Pod pod : pods) {
                if (orphaned(pod, now)) {
                    String name = pod.getMetadata().getName();
                    try {
                        client.pods().inNamespace(namespace).withName(name).delete();
                        deleted.add(name);
                        log.info("Deleted orphaned pod {}/{} of worker {} (attempt {} of {}.{})", namespace, name,
                                label(pod, PodLabels.WORKER_ID), label(pod, PodLabels.ATTEMPT),
                                label(pod, PodLabels.DAG_ID), label(pod, PodLabels.TASK_ID));
                    } catch (KubernetesClientException e) {
                        log.warn("Cannot delete orphaned pod {}/{}: {}", namespace, name, e.getMessage());
                    }
                }
            }
        }
        return deleted;
    }

    private boolean orphaned(Pod pod, long nowMs) {
        if (workerProcess.equals(label(pod, PodLabels.WORKER_PROCESS))) {
            return false;
        }
        if (workerIdLabel.equals(label(pod, PodLabels.WORKER_ID))) {
            return true;
        }
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String renewed = annotations == null ? null : annotations.get(PodLabels.LEASE_RENEWED);
        try {
            return renewed == null || nowMs - Long.parseLong(renewed) > orphanAfter.toMillis();
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static String label(HasMetadata object, String key) {
        Map<String, String> labels = object.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

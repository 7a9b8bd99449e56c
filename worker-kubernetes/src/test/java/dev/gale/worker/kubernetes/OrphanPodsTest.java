package dev.gale.worker.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which pods a worker's clean-up deletes: those no live worker process watches, and no other. */
class OrphanPodsTest {
    private static final String NS = "ml";
    private static final Duration ORPHAN_AFTER = Duration.ofMinutes(2);
    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void startServer() {
        server = PodTestSupport.crudServer();
        client = server.createClient();
    }

    @AfterEach
    void stopServer() {
        client.close();
        server.destroy();
    }

    private void pod(String name, String workerId, String process, Long leaseAgeMs, boolean gale) {
        Map<String, String> labels = new HashMap<>(Map.of(PodLabels.WORKER_ID, workerId,
                PodLabels.WORKER_PROCESS, process));
        if (gale) {
            labels.put(PodLabels.MANAGED_BY, PodLabels.GALE);
        }
        Map<String, String> annotations = leaseAgeMs == null ? Map.of()
                : Map.of(PodLabels.LEASE_RENEWED, Long.toString(System.currentTimeMillis() - leaseAgeMs));
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).withLabels(labels)
                .withAnnotations(annotations).endMetadata().withNewSpec().addNewContainer().withName("task")
                .withImage("busybox").endContainer().endSpec().build();
        client.pods().inNamespace(NS).resource(pod).create();
    }

    private boolean exists(String name) {
        return client.pods().inNamespace(NS).withName(name).get() != null;
    }

    @Test
    void aDeadWorkersPodIsDeletedAndALiveOnesIsLeft() {
        pod("dead-workers", "worker-2_node-b", "process-b", Duration.ofMinutes(10).toMillis(), true);
        pod("live-workers", "worker-3_node-c", "process-c", Duration.ofSeconds(20).toMillis(), true);
        pod("earlier-process-of-this-worker", "worker-1_node-a", "process-a-before-restart",
                Duration.ofSeconds(5).toMillis(), true);
        pod("this-process", "worker-1_node-a", "process-a", Duration.ofMinutes(10).toMillis(), true);
        pod("not-gales", "someone", "else", Duration.ofMinutes(10).toMillis(), false);

        var deleted = new OrphanPods(client, java.util.List.of(NS), "worker-1@node-a", "process-a", ORPHAN_AFTER)
                .cleanUp();

        assertThat(deleted).containsExactlyInAnyOrder("dead-workers", "earlier-process-of-this-worker");
        assertThat(exists("dead-workers")).isFalse();
        assertThat(exists("earlier-process-of-this-worker")).isFalse();
        assertThat(exists("live-workers")).isTrue();
        assertThat(exists("this-process")).as("this process deletes its own pods when their attempts end").isTrue();
        assertThat(exists("not-gales")).isTrue();
    }

    @Test
    void aPodWithoutALeaseIsAnOrphanOnceItsWorkerIsNotThisOne() {
        pod("no-lease", "worker-2_node-b", "process-b", null, true);

        assertThat(new OrphanPods(client, java.util.List.of(NS), "worker-1@node-a", "process-a", ORPHAN_AFTER)
                .cleanUp()).containsExactly("no-lease");
    }

    @Test
    void aPodOfARunnersAttemptIsNotAnOrphanWhileTheRunnerWatchesIt() throws Exception {
        KubernetesPodRunner runner = new KubernetesPodRunner(client, Duration.ofMillis(50), Duration.ofMillis(100));
        var attempt = new PodTestSupport.TestAttempt("worker-9@node-z", PodTestSupport.podTask("fit",
                dev.gale.sdk.KubernetesPod.image("busybox").namespace(NS), null), "{}", Map.of());
        String name = PodLabels.podName(attempt);
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                runner.run(attempt);
            } catch (Exception e) {
                // Interrupted below: the runner deletes its pod.
            }
        });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> exists(name));
        OrphanPods otherWorker = new OrphanPods(client, java.util.List.of(NS), "worker-1@node-a", "process-a",
                Duration.ofSeconds(1));
        Thread.sleep(1500);

        assertThat(otherWorker.cleanUp()).as("the runner renewed the lease").isEmpty();
        assertThat(exists(name)).isTrue();
        thread.interrupt();
        thread.join(10_000);
        assertThat(exists(name)).isFalse();
    }
}

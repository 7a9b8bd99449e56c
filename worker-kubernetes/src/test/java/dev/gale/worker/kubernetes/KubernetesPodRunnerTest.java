package dev.gale.worker.kubernetes;

import static dev.gale.worker.kubernetes.PodTestSupport.podTask;
import static dev.gale.worker.kubernetes.PodTestSupport.setStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.sdk.KubernetesPod;
import dev.gale.sdk.runtime.TaskKindRunner;
import dev.gale.worker.kubernetes.PodTestSupport.TestAttempt;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runner against fabric8's mock Kubernetes API server in CRUD mode; the test plays the kubelet by
 * writing the pod's status, and serves the container's log where CRUD mode serves none.
 */
class KubernetesPodRunnerTest {
    private static final String NS = "ml";
    private KubernetesMockServer server;
    private KubernetesClient client;
    private KubernetesPodRunner runner;

    @BeforeEach
    void startServer() {
        server = PodTestSupport.crudServer();
        client = server.createClient();
        runner = new KubernetesPodRunner(client, Duration.ofMillis(50), Duration.ofMillis(100));
    }

    @AfterEach
    void stopServer() {
        client.close();
        server.destroy();
    }

    private static KubernetesPod trainingPod() {
        return KubernetesPod.image("ghcr.io/acme/train:1.4").namespace(NS).command("python", "train.py")
                .args("--epochs", "3").cpu("2").memory("8Gi").memoryLimit("8Gi").gpus(1)
                .env("MODE", "full").envFromParam("EPOCHS", "epochs")
                .envFromConnection("DB_PASSWORD", "warehouse", "password").serviceAccount("trainer")
                .nodeSelector("cloud.google.com/gke-accelerator", "nvidia-l4")
                .toleration("nvidia.com/gpu", "Exists", null, "NoSchedule")
                .persistentVolumeClaim("training-data", "/data").configMap("train-config", "/etc/train")
                .secret("s3-credentials", "/var/run/s3").emptyDir("/scratch").outputFile("/tmp/gale-output.json");
    }

    private TestAttempt attempt(KubernetesPod pod, Duration executionTimeout) {
        return new TestAttempt("worker-7@node-a", podTask("fit", pod, executionTimeout), "{\"epochs\":3}",
                Map.of("warehouse", "{\"connId\":\"warehouse\",\"host\":\"db\",\"password\":\"s3cret\"}"));
    }

    /** Runs the attempt on a thread of its own, as the worker does. */
    private static FutureTask<String> start(TaskKindRunner runner, TestAttempt attempt) {
        FutureTask<String> task = new FutureTask<>(() -> runner.run(attempt));
        Thread.ofVirtual().start(task);
        return task;
    }

    private Pod awaitPod(String name) {
        await().atMost(Duration.ofSeconds(10)).until(() -> client.pods().inNamespace(NS).withName(name).get() != null);
        return client.pods().inNamespace(NS).withName(name).get();
    }

    private void awaitDeleted(String name) {
        await().atMost(Duration.ofSeconds(10)).until(() -> client.pods().inNamespace(NS).withName(name).get() == null);
    }

    private static Throwable failureOf(Future<String> task) throws InterruptedException {
        try {
            task.get(20, TimeUnit.SECONDS);
            throw new AssertionError("the attempt succeeded");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the attempt did not end", e);
        }
    }

    private static PodStatus terminated(PodStatus status, int exitCode, String reason, String message) {
        return status.toBuilder().withPhase(exitCode == 0 ? "Succeeded" : "Failed")
                .withContainerStatuses(new ContainerStatusBuilder().withName("task").withNewState().withNewTerminated()
                        .withExitCode(exitCode).withReason(reason).withMessage(message).endTerminated().endState()
                        .build()).build();
    }

    private static PodStatus running(PodStatus status) {
        return status.toBuilder().withPhase("Running").withContainerStatuses(new ContainerStatusBuilder()
                .withName("task").withNewState().withNewRunning().endRunning().endState().build()).build();
    }

    @Test
    void thePodIsCreatedAsTheTaskDeclaresItAndItsOutputFileIsTheTasksOutput() throws Exception {
        TestAttempt attempt = attempt(trainingPod(), null);
        String name = PodLabels.podName(attempt);
        FutureTask<String> task = start(runner, attempt);

        Pod pod = awaitPod(name);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.secrets().inNamespace(NS).withName(name + "-env")
                .get() != null);
        Container container = pod.getSpec().getContainers().getFirst();
        assertThat(container.getImage()).isEqualTo("ghcr.io/acme/train:1.4");
        assertThat(container.getCommand()).containsExactly("python", "train.py");
        assertThat(container.getArgs()).containsExactly("--epochs", "3");
        assertThat(container.getResources().getRequests()).containsEntry("cpu", new Quantity("2"))
                .containsEntry("memory", new Quantity("8Gi"));
        assertThat(container.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"))
                .containsEntry("memory", new Quantity("8Gi"));
        Map<String, EnvVar> env = container.getEnv().stream().collect(java.util.stream.Collectors.toMap(
                EnvVar::getName, e -> e));
        assertThat(env.get("MODE").getValue()).isEqualTo("full");
        assertThat(env.get("EPOCHS").getValue()).isEqualTo("3");
        assertThat(env.get("GALE_RUN_ID").getValue()).isEqualTo(attempt.runId());
        assertThat(env.get("DB_PASSWORD").getValue()).as("a connection's value is not in the pod's spec").isNull();
        assertThat(env.get("DB_PASSWORD").getValueFrom().getSecretKeyRef().getName()).isEqualTo(name + "-env");
        Secret secret = client.secrets().inNamespace(NS).withName(name + "-env").get();
        String password = secret.getStringData() != null && secret.getStringData().containsKey("DB_PASSWORD")
                ? secret.getStringData().get("DB_PASSWORD")
                : new String(Base64.getDecoder().decode(secret.getData().get("DB_PASSWORD")), StandardCharsets.UTF_8);
        assertThat(password).isEqualTo("s3cret");
        assertThat(secret.getMetadata().getOwnerReferences()).as("Kubernetes deletes the Secret with its pod")
                .singleElement().satisfies(owner -> {
                    assertThat(owner.getKind()).isEqualTo("Pod");
                    assertThat(owner.getName()).isEqualTo(name);
                    assertThat(owner.getUid()).isEqualTo(pod.getMetadata().getUid());
                });
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("trainer");
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getNodeSelector()).containsEntry("cloud.google.com/gke-accelerator", "nvidia-l4");
        assertThat(pod.getSpec().getTolerations()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
            assertThat(t.getOperator()).isEqualTo("Exists");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(pod.getSpec().getVolumes()).extracting(v -> v.getPersistentVolumeClaim() != null
                ? "pvc:" + v.getPersistentVolumeClaim().getClaimName() : v.getConfigMap() != null
                ? "configMap:" + v.getConfigMap().getName() : v.getSecret() != null
                ? "secret:" + v.getSecret().getSecretName() : v.getEmptyDir() != null ? "emptyDir" : "?")
                .containsExactly("pvc:training-data", "configMap:train-config", "secret:s3-credentials", "emptyDir");
        assertThat(container.getVolumeMounts()).extracting(m -> m.getMountPath())
                .containsExactly("/data", "/etc/train", "/var/run/s3", "/scratch");
        assertThat(container.getTerminationMessagePath()).isEqualTo("/tmp/gale-output.json");
        assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "gale")
                .containsEntry("gale.dev/dag-id", "train_model").containsEntry("gale.dev/task-id", "fit")
                .containsEntry("gale.dev/run-id", "manual__2026-12-02T10_00_00_00_00")
                .containsEntry("gale.dev/map-index", "-1").containsEntry("gale.dev/attempt", "1")
                .containsEntry("gale.dev/worker-id", "worker-7_node-a")
                .containsEntry("gale.dev/worker-process", runner.workerProcess());
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("gale.dev/run-id", attempt.runId());

        setStatus(client, NS, name, s -> terminated(s, 0, "Completed", "{\"rmse\": 0.41}\n"));

        assertThat(task.get(20, TimeUnit.SECONDS)).isEqualTo("{\"rmse\":0.41}");
        awaitDeleted(name);
    }

    @Test
    void theContainersLogStreamsIntoTheTaskLogAndItsLastLineIsTheOutput() throws Exception {
        TestAttempt attempt = attempt(KubernetesPod.image("busybox:1.37").namespace(NS), null);
        String name = PodLabels.podName(attempt);
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/" + name
                + "/log?pretty=false&container=task&follow=true")
                .andReturn(200, "loading 120 documents\nepoch 1 loss 0.9\n{\"rmse\": 0.41}\n").always();
        FutureTask<String> task = start(runner, attempt);
        awaitPod(name);

        setStatus(client, NS, name, KubernetesPodRunnerTest::running);
        await().atMost(Duration.ofSeconds(10)).until(() -> attempt.lines().contains("stdout: epoch 1 loss 0.9"));
        assertThat(task.isDone()).as("the task runs while its pod does").isFalse();
        setStatus(client, NS, name, s -> terminated(s, 0, "Completed", null));

        assertThat(task.get(20, TimeUnit.SECONDS)).isEqualTo("{\"rmse\":0.41}");
        assertThat(attempt.lines()).contains("stdout: loading 120 documents");
        awaitDeleted(name);
    }

    @Test
    void aContainerThatRanOutOfMemoryFailsTheAttemptSayingOomKilled() throws Exception {
        TestAttempt attempt = attempt(KubernetesPod.image("ghcr.io/acme/train:1.4").namespace(NS).memoryLimit("1Gi"),
                null);
        String name = PodLabels.podName(attempt);
        FutureTask<String> task = start(runner, attempt);
        awaitPod(name);

        setStatus(client, NS, name, s -> terminated(s, 137, "OOMKilled", null));

        assertThat(failureOf(task)).isInstanceOf(TaskKindRunner.Failure.class)
                .hasMessageContaining("OOMKilled (exit code 137)").hasMessageContaining("limit of 1Gi");
        awaitDeleted(name);
    }

    @Test
    void aNonZeroExitCodeFailsTheAttemptWithTheLastLogLines() throws Exception {
        TestAttempt attempt = attempt(KubernetesPod.image("ghcr.io/acme/train:1.4").namespace(NS), null);
        String name = PodLabels.podName(attempt);
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/" + name
                + "/log?pretty=false&container=task&follow=true")
                .andReturn(200, "Traceback (most recent call last):\nValueError: no training data in /data\n")
                .always();
        FutureTask<String> task = start(runner, attempt);
        awaitPod(name);

        setStatus(client, NS, name, s -> terminated(s, 3, "Error", null));

        assertThat(failureOf(task)).hasMessageContaining("exited with code 3 (Error)")
                .hasMessageContaining("ValueError: no training data in /data");
        awaitDeleted(name);
    }

    @Test
    void anImageThatCannotBePulledFailsTheAttemptWithImagePullBackOff() throws Exception {
        TestAttempt attempt = attempt(KubernetesPod.image("ghcr.io/acme/trian:1.4").namespace(NS), null);
        String name = PodLabels.podName(attempt);
        FutureTask<String> task = start(runner, attempt);
        awaitPod(name);

        setStatus(client, NS, name, s -> s.toBuilder().withPhase("Pending").withContainerStatuses(
                new ContainerStatusBuilder().withName("task").withNewState().withNewWaiting()
                        .withReason("ImagePullBackOff").withMessage("Back-off pulling image \"ghcr.io/acme/trian:1.4\"")
                        .endWaiting().endState().build()).build());

        assertThat(failureOf(task)).hasMessageContaining("cannot start: ImagePullBackOff")
                .hasMessageContaining("ghcr.io/acme/trian:1.4");
        awaitDeleted(name);
    }

    @Test
    void aPodThatCannotBeScheduledFailsTheAttemptAtItsStartupTimeoutSayingWhy() throws Exception {
        TestAttempt attempt = attempt(KubernetesPod.image("ghcr.io/acme/train:1.4").namespace(NS).gpus(8)
                .startupTimeout(Duration.ofSeconds(1)), null);
        String name = PodLabels.podName(attempt);
        FutureTask<String> task = start(runner, attempt);
        awaitPod(name);

        setStatus(client, NS, name, s -> s.toBuilder().withPhase("Pending").withConditions(new PodConditionBuilder()
                .withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                .withMessage("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.").build()).build());

        assertThat(failureOf(task)).hasMessageContaining("did not start within 1 s")
                .hasMessageContaining("Unschedulable: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.");
        assertThat(attempt.lines()).anyMatch(l -> l.contains("is pending: Unschedulable"));
        awaitDeleted(name);
    }

    @Test
    void anAttemptStoppedByTheWorkerDeletesItsPod() throws Exception {
        TestAttempt attempt = attempt(KubernetesPod.image("ghcr.io/acme/train:1.4").namespace(NS), null);
        String name = PodLabels.podName(attempt);
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                runner.run(attempt);
                ended.complete(null);
            } catch (Throwable e) {
                ended.complete(e);
            }
        });
        awaitPod(name);
        setStatus(client, NS, name, KubernetesPodRunnerTest::running);

        // What the worker does when the run is cancelled, the server timed the attempt out, or it shuts down.
        thread.interrupt();

        assertThat(runner.awaitIdle(Duration.ofSeconds(20))).as("a shutting-down worker waits for the deletion").isTrue();
        assertThat(client.pods().inNamespace(NS).withName(name).get()).isNull();
        assertThat(ended.get(20, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    }

    @Test
    void aPodRunningPastTheTasksExecutionTimeoutIsDeletedAndFailsTheAttempt() throws Exception {
        TestAttempt attempt = attempt(KubernetesPod.image("ghcr.io/acme/train:1.4").namespace(NS),
                Duration.ofSeconds(1));
        String name = PodLabels.podName(attempt);
        FutureTask<String> task = start(runner, attempt);
        awaitPod(name);
        setStatus(client, NS, name, KubernetesPodRunnerTest::running);

        assertThat(failureOf(task)).hasMessageContaining("ran past the task's execution timeout of 1 s");
        awaitDeleted(name);
    }

    @Test
    void whileItWaitsTheWorkerRenewsThePodsLease() throws Exception {
        TestAttempt attempt = attempt(KubernetesPod.image("ghcr.io/acme/train:1.4").namespace(NS), null);
        String name = PodLabels.podName(attempt);
        FutureTask<String> task = start(runner, attempt);
        long created = Long.parseLong(awaitPod(name).getMetadata().getAnnotations().get(PodLabels.LEASE_RENEWED));
        setStatus(client, NS, name, KubernetesPodRunnerTest::running);

        await().atMost(Duration.ofSeconds(10)).until(() -> Long.parseLong(client.pods().inNamespace(NS).withName(name)
                .get().getMetadata().getAnnotations().get(PodLabels.LEASE_RENEWED)) > created);
        task.cancel(true);
        awaitDeleted(name);
    }

    @Test
    void aConnectionWithoutTheFieldFailsTheAttemptAndCreatesNothing() throws Exception {
        TestAttempt attempt = new TestAttempt("worker-7@node-a", podTask("fit", KubernetesPod.image("busybox")
                .namespace(NS).envFromConnection("DB_USER", "warehouse", "login"), null), "{}",
                Map.of("warehouse", "{\"connId\":\"warehouse\",\"host\":\"db\"}"));

        FutureTask<String> task = start(runner, attempt);

        assertThat(failureOf(task)).hasMessage("connection 'warehouse' has no login, which environment variable"
                + " DB_USER is set from");
        assertThat(client.pods().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(List.copyOf(client.secrets().inNamespace(NS).list().getItems())).isEmpty();
    }
}

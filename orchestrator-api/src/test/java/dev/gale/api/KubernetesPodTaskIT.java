package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.SchedulerStore;
import dev.gale.scheduler.service.TaskInstanceView;
import dev.gale.sdk.runtime.DagRegistry;
import dev.gale.sdk.runtime.Worker;
import dev.gale.sdk.runtime.WorkerOptions;
import dev.gale.worker.kubernetes.KubernetesPodRunner;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A task declared with {@code kubernetesPod} end to end: a real server, a worker that runs
 * {@code kubernetes_pod} tasks connected over gRPC, and fabric8's mock Kubernetes API server in CRUD mode
 * in place of a cluster. The test plays the kubelet by writing the pod's status and serving its log.
 */
class KubernetesPodTaskIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String NS = "ml";
    private GaleTestServer gale;
    private KubernetesMockServer kubernetes;
    private KubernetesClient client;
    private Worker worker;

    @BeforeEach
    void start() {
        gale = new GaleTestServer(Map.of("gale.heartbeat.interval", "PT0.2S",
                "GALE_CONN_FROM_ENV", "postgres://trainer:pg%2Fsecret-7@db.internal:5432/features"), false);
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        kubernetes = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        kubernetes.init();
        client = kubernetes.createClient();
        worker = new Worker(WorkerOptions.builder("localhost:" + gale.grpcPort()).workerId("pod-worker").slots(2)
                .drainGracePeriod(Duration.ofMillis(200))
                .taskRunner(new KubernetesPodRunner(client, Duration.ofMillis(50), Duration.ofSeconds(1))).build(),
                gale.context.getBean(DagRegistry.class)).start();
    }

    @AfterEach
    void stop() {
        worker.close();
        client.close();
        kubernetes.destroy();
        gale.close();
    }

    private String trigger(String conf) throws Exception {
        var response = gale.post("/api/v1/dags/" + TestDagsPods.DAG + "/runs", "{\"conf\": " + conf + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body()).get("runId").asString();
    }

    private Pod awaitPod() {
        await().atMost(Duration.ofSeconds(20)).until(() -> !client.pods().inNamespace(NS).list().getItems().isEmpty());
        return client.pods().inNamespace(NS).list().getItems().getFirst();
    }

    /** Writes the pod's status as the kubelet would, reading it again when the worker renewed its lease in between. */
    private void kubelet(Pod pod, UnaryOperator<PodStatus> status) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.pods().inNamespace(NS).withName(pod.getMetadata().getName()).editStatus(p -> {
                    Pod copy = new PodBuilder(p).build();
                    copy.setStatus(status.apply(new PodStatus()));
                    return copy;
                });
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private static PodStatus running(PodStatus status) {
        return status.toBuilder().withPhase("Running").withContainerStatuses(new ContainerStatusBuilder()
                .withName("task").withNewState().withNewRunning().endRunning().endState().build()).build();
    }

    private static PodStatus terminated(PodStatus status, int exitCode, String reason) {
        return status.toBuilder().withPhase(exitCode == 0 ? "Succeeded" : "Failed")
                .withContainerStatuses(new ContainerStatusBuilder().withName("task").withNewState().withNewTerminated()
                        .withExitCode(exitCode).withReason(reason).endTerminated().endState().build()).build();
    }

    private TaskInstanceView awaitEnded(String runId, String taskId) {
        SchedulerStore store = gale.context.getBean(SchedulerStore.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            TaskInstanceState state = store.findTaskInstance(runId, taskId, -1).orElseThrow().state();
            return state == TaskInstanceState.SUCCESS || state == TaskInstanceState.FAILED;
        });
        return store.findTaskInstance(runId, taskId, -1).orElseThrow();
    }

    private void awaitNoPods() {
        await().atMost(Duration.ofSeconds(20)).until(() -> client.pods().inNamespace(NS).list().getItems().isEmpty());
    }

    @Test
    void aPodTaskRunsAsItsOwnPodWithItsLogInTheTaskLogAndItsOutputDownstream() throws Exception {
        String runId = trigger("{\"epochs\": 5}");
        Pod pod = awaitPod();
        String name = pod.getMetadata().getName();
        kubernetes.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/" + name
                + "/log?pretty=false&container=task&follow=true")
                .andReturn(200, "epoch 5/5 loss 0.12\n{\"rmse\": 0.41}\n").always();

        var container = pod.getSpec().getContainers().getFirst();
        assertThat(container.getImage()).isEqualTo("ghcr.io/acme/train:1.4");
        assertThat(container.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"))
                .containsEntry("memory", new Quantity("2Gi"));
        assertThat(pod.getSpec().getNodeSelector()).containsEntry("gale.dev/pool", "gpu");
        assertThat(pod.getSpec().getTolerations()).extracting(t -> t.getKey()).containsExactly("nvidia.com/gpu");
        assertThat(container.getEnv()).extracting(EnvVar::getName).contains("EPOCHS", "DB_PASSWORD", "GALE_RUN_ID");
        assertThat(container.getEnv()).filteredOn(e -> e.getName().equals("EPOCHS"))
                .singleElement().extracting(EnvVar::getValue).isEqualTo("5");
        assertThat(pod.getMetadata().getLabels()).containsEntry("gale.dev/dag-id", TestDagsPods.DAG)
                .containsEntry("gale.dev/task-id", "train").containsEntry("gale.dev/worker-id", "pod-worker")
                .containsEntry("gale.dev/attempt", "1").containsEntry("app.kubernetes.io/managed-by", "gale");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.secrets().inNamespace(NS).withName(name + "-env")
                .get() != null);
        Secret secret = client.secrets().inNamespace(NS).withName(name + "-env").get();
        String password = secret.getStringData() != null ? secret.getStringData().get("DB_PASSWORD")
                : new String(Base64.getDecoder().decode(secret.getData().get("DB_PASSWORD")), StandardCharsets.UTF_8);
        assertThat(password).as("the connection's password, read over the TEI").isEqualTo("pg/secret-7");

        kubelet(pod, KubernetesPodTaskIT::running);
        kubelet(pod, s -> terminated(s, 0, "Completed"));

        assertThat(awaitEnded(runId, "train").state()).isEqualTo(TaskInstanceState.SUCCESS);
        awaitNoPods();
        JsonNode result = JSON.readTree(gale.get("/api/v1/dags/" + TestDagsPods.DAG + "/runs/" + runId
                + "/result?wait=PT20S").body());
        assertThat(result.get("result").asString()).isEqualTo("rmse 0.41");
        String log = gale.get("/api/v1/dags/" + TestDagsPods.DAG + "/runs/" + runId + "/tasks/train/logs").body();
        assertThat(log).contains("epoch 5/5 loss 0.12").contains("Created pod ml/" + name)
                .contains("Deleted pod ml/" + name);
    }

    @Test
    void aPodKilledForMemoryFailsTheAttemptWithOomKilledInItsError() throws Exception {
        String runId = trigger("{}");
        Pod pod = awaitPod();

        kubelet(pod, s -> terminated(s, 137, "OOMKilled"));

        TaskInstanceView train = awaitEnded(runId, "train");
        assertThat(train.state()).isEqualTo(TaskInstanceState.FAILED);
        assertThat(train.error()).contains("OOMKilled (exit code 137)").contains("limit of 2Gi");
        awaitNoPods();
    }

    @Test
    void cancellingTheRunDeletesThePod() throws Exception {
        String runId = trigger("{}");
        Pod pod = awaitPod();
        kubelet(pod, KubernetesPodTaskIT::running);
        await().atMost(Duration.ofSeconds(10)).until(() -> gale.get("/api/v1/dags/" + TestDagsPods.DAG + "/runs/"
                + runId).body().contains("running"));

        var cancelled = gale.post("/api/v1/dags/" + TestDagsPods.DAG + "/runs/" + runId + "/cancel", "{}");
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);

        awaitNoPods();
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.runningTasks() == 0);
    }

    @Test
    void aWorkerThatShutsDownDeletesItsPodAndHandsTheTaskBack() throws Exception {
        String runId = trigger("{}");
        Pod pod = awaitPod();
        kubelet(pod, KubernetesPodTaskIT::running);
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.runningTasks() == 1);

        worker.close();

        awaitNoPods();
        SchedulerStore store = gale.context.getBean(SchedulerStore.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.findTaskInstance(runId, "train", -1).orElseThrow()
                .state() == TaskInstanceState.QUEUED);
        assertThat(store.findTaskInstance(runId, "train", -1).orElseThrow().workerId())
                .as("handed back, not failed: no worker holds it").isNull();
    }

    @Test
    void aPodTaskWaitsWithAReasonWhileOnlyWorkersWithoutKubernetesAreConnected() throws Exception {
        worker.close();
        try (Worker plain = new Worker(WorkerOptions.builder("localhost:" + gale.grpcPort()).workerId("plain-worker")
                .slots(2).build(), gale.context.getBean(DagRegistry.class)).start()) {
            String runId = trigger("{}");
            String task = "/api/v1/dags/" + TestDagsPods.DAG + "/runs/" + runId + "/tasks/train";
            await().atMost(Duration.ofSeconds(20)).until(() -> JSON.readTree(gale.get(task).body())
                    .has("waitingReason"));

            JsonNode train = JSON.readTree(gale.get(task).body());
            assertThat(train.get("state").asString()).isEqualTo("queued");
            assertThat(train.get("waitingReason").asString()).isEqualTo("waiting for a worker that runs"
                    + " kubernetes_pod tasks on queue 'default'; connected workers on queue 'default' run plain-worker:"
                    + " java, command, python");
            assertThat(client.pods().inNamespace(NS).list().getItems()).isEmpty();
        }
    }
}

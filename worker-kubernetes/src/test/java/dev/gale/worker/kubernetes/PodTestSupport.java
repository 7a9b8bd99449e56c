package dev.gale.worker.kubernetes;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.KubernetesPod;
import dev.gale.sdk.runtime.TaskKindRunner;
import dev.gale.sdk.spec.TaskSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * fabric8's mock Kubernetes API server in CRUD mode (it stores what it is sent and serves it back, as the
 * API server does), with expectations beside it for what CRUD mode does not serve (a container's log);
 * and an attempt of a pod task declared with the DSL, whose log lines the test reads.
 */
final class PodTestSupport {
    private PodTestSupport() {
    }

    static KubernetesMockServer crudServer() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init();
        return server;
    }

    /** The spec of task {@code taskId} of a DAG with only that pod task, as the DSL serializes it. */
    static TaskSpec podTask(String taskId, KubernetesPod pod, Duration executionTimeout) {
        DagBuilder dag = Dag.builder("train_model");
        var task = dag.kubernetesPod(taskId, pod);
        if (executionTimeout != null) {
            task.executionTimeout(executionTimeout);
        }
        return dag.build().taskSpec(taskId).orElseThrow();
    }

    /** One attempt as a worker would hand it to the runner; what the runner logs is in {@link #lines}. */
    record TestAttempt(String workerId, String runId, TaskSpec spec, String paramsJson,
                       Map<String, String> connections, List<String> lines) implements TaskKindRunner.Attempt {
        TestAttempt(String workerId, TaskSpec spec, String paramsJson, Map<String, String> connections) {
            this(workerId, "manual__2026-12-02T10:00:00+00:00", spec, paramsJson, connections,
                    new CopyOnWriteArrayList<>());
        }

        @Override
        public String dagId() {
            return "train_model";
        }

        @Override
        public String taskId() {
            return spec.taskId();
        }

        @Override
        public int mapIndex() {
            return -1;
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public String connectionJson(String connId) {
            String connection = connections.get(connId);
            if (connection == null) {
                throw new IllegalArgumentException("no connection " + connId);
            }
            return connection;
        }

        @Override
        public void log(String stream, String line) {
            lines.add(stream + ": " + line);
        }

        @Override
        public Map<String, String> environment() {
            return Map.of("GALE_DAG_ID", dagId(), "GALE_RUN_ID", runId, "GALE_TASK_ID", taskId(),
                    "GALE_MAP_INDEX", "-1", "GALE_ATTEMPT", "1");
        }
    }

    /**
     * Plays the kubelet: writes the pod's status as the node would, reading the pod again when the worker
     * renewed its lease in between (409 Conflict), as a kubelet does.
     */
    static void setStatus(KubernetesClient client, String namespace, String name, UnaryOperator<PodStatus> status) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.pods().inNamespace(namespace).withName(name).editStatus(pod -> {
                    Pod copy = new PodBuilder(pod).build();
                    copy.setStatus(status.apply(new PodStatus()));
                    return copy;
                });
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }
}

package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No cluster here: the manifests in {@code deploy/kubernetes} are parsed into fabric8's model instead, and checked
 * against the code: ports, environment names, probes on the server's Spring Boot probe groups, resources on
 * every container, GPUs only for the GPU pool, no database credentials for workers, a KEDA scaler per worker pool,
 * and just the Kubernetes rights workers need to run tasks as pods.
 */
class KubernetesManifestsTest {
    private static final Path DIR = Path.of("..").toAbsolutePath().normalize().resolve("deploy/kubernetes");

    @SuppressWarnings("unchecked")
    private static List<HasMetadata> resources() throws IOException {
        Map<String, Object> kustomization = new Yaml().load(Files.readString(DIR.resolve("kustomization.yaml")));
        List<HasMetadata> all = new ArrayList<>();
        for (String file : (List<String>) kustomization.get("resources")) {
            try (InputStream in = Files.newInputStream(DIR.resolve(file))) {
                Object parsed = Serialization.unmarshal(in);
                if (parsed instanceof KubernetesList list) {
                    all.addAll(list.getItems());
                } else if (parsed instanceof List<?> list) {
                    list.forEach(item -> all.add((HasMetadata) item));
                } else {
                    all.add((HasMetadata) parsed);
                }
            }
        }
        return all;
    }

    private static <T extends HasMetadata> List<T> ofKind(Class<T> kind) throws IOException {
        return resources().stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    private static <T extends HasMetadata> T named(Class<T> kind, String name) throws IOException {
        return ofKind(kind).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    private static Container container(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    private static boolean isWorker(Deployment deployment) {
        return deployment.getMetadata().getName().startsWith("gale-worker");
    }

    /** Every environment name a container gets: its own and those of the ConfigMaps and Secrets it takes in. */
    private static Set<String> environment(Container container) throws IOException {
        Set<String> names = new HashSet<>(container.getEnv().stream().map(EnvVar::getName).toList());
        for (EnvFromSource from : container.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                names.addAll(named(ConfigMap.class, from.getConfigMapRef().getName()).getData().keySet());
            }
            if (from.getSecretRef() != null) {
                names.addAll(named(Secret.class, from.getSecretRef().getName()).getStringData().keySet());
            }
        }
        names.remove("JAVA_TOOL_OPTIONS");
        return names;
    }

    /** The server's HTTP port default, read from its application.properties (server.port=${GALE_HTTP_PORT:N}). */
    private static int defaultHttpPort() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = KubernetesManifestsTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        Matcher port = Pattern.compile("\\$\\{GALE_HTTP_PORT:(\\d+)}").matcher(properties.getProperty("server.port"));
        assertThat(port.matches()).isTrue();
        return Integer.parseInt(port.group(1));
    }

    private static int defaultGrpcPort() throws IOException {
        Matcher port = Pattern.compile("env\\(\"GALE_GRPC_PORT\", \"(\\d+)\"\\)").matcher(Files.readString(
                DIR.resolve("../../orchestrator-api/src/main/java/dev/gale/api/GaleCommand.java").normalize()));
        assertThat(port.find()).isTrue();
        return Integer.parseInt(port.group(1));
    }

    @Test
    void everyContainerHasRequestsAndLimitsAndOnlyTheGpuPoolAsksForGpus() throws IOException {
        List<Deployment> deployments = ofKind(Deployment.class);
        assertThat(deployments).extracting(d -> d.getMetadata().getName())
                .contains("gale-server", "gale-scheduler", "gale-worker-default", "gale-worker-gpu", "gale-worker-rag");
        for (Deployment deployment : deployments) {
            for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                var resources = container.getResources();
                String name = deployment.getMetadata().getName();
                assertThat(resources.getRequests()).as(name + " requests").containsKeys("cpu", "memory");
                assertThat(resources.getLimits()).as(name + " limits").containsKeys("cpu", "memory");
                boolean gpu = name.equals("gale-worker-gpu");
                assertThat(resources.getLimits().containsKey("nvidia.com/gpu")).as(name + " GPUs").isEqualTo(gpu);
                assertThat(resources.getRequests().containsKey("nvidia.com/gpu")).as(name + " GPUs").isEqualTo(gpu);
            }
        }
        var gpuPod = named(Deployment.class, "gale-worker-gpu").getSpec().getTemplate().getSpec();
        assertThat(gpuPod.getNodeSelector()).isNotEmpty();
        assertThat(gpuPod.getTolerations()).anyMatch(t -> t.getKey().equals("nvidia.com/gpu"));
    }

    @Test
    void theServerIsProbedOnItsProbeGroupsAndServesThePortsTheCodeListensOn() throws IOException {
        Deployment server = named(Deployment.class, "gale-server");
        assertThat(server.getSpec().getReplicas()).isEqualTo(2);
        assertThat(named(Deployment.class, "gale-scheduler").getSpec().getReplicas()).isEqualTo(2);
        Container container = container(server);
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(container.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactlyInAnyOrder("http:" + defaultHttpPort(), "grpc:" + defaultGrpcPort());
        Service service = named(Service.class, "gale-server");
        assertThat(service.getSpec().getPorts()).extracting(ServicePort::getPort)
                .containsExactlyInAnyOrder(defaultHttpPort(), defaultGrpcPort());
        assertThat(named(ConfigMap.class, "gale-worker").getData().get("GALE_API"))
                .isEqualTo("gale-server:" + defaultGrpcPort());
        for (Deployment deployment : ofKind(Deployment.class)) {
            String name = deployment.getMetadata().getName();
            assertThat(ofKind(PodDisruptionBudget.class)).as(name + " disruption budget")
                    .anyMatch(pdb -> deployment.getSpec().getSelector().getMatchLabels()
                            .equals(pdb.getSpec().getSelector().getMatchLabels()));
        }
    }

    @Test
    void everyEnvironmentNameIsOneTheCodeReadsAndWorkersGetNoDatabaseCredentials() throws IOException {
        // Both load the DAG bundle (examples), and the workers run its tasks with llm-provider (RAG indexes).
        Set<String> serverNames = DockerComposeTest.namesReadBy("orchestrator-api/src/main", "scheduler/src/main",
                "examples/src/main");
        Set<String> workerNames = DockerComposeTest.namesReadBy("task-sdk/src/main", "worker-cpu/src/main",
                "worker-gpu/src/main", "worker-kubernetes/src/main", "llm-provider/src/main", "examples/src/main");
        for (Deployment deployment : ofKind(Deployment.class)) {
            String name = deployment.getMetadata().getName();
            Set<String> environment = environment(container(deployment));
            if (isWorker(deployment)) {
                assertThat(environment).as(name).isSubsetOf(workerNames).contains("GALE_API", "GALE_WORKER_SECRET")
                        .noneMatch(n -> n.startsWith("GALE_DB_") || n.equals("GALE_TASK_TOKEN_SECRET"));
                assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
                        .isEqualTo("gale-worker");
            } else {
                assertThat(environment).as(name).isSubsetOf(serverNames)
                        .contains("GALE_DB_URL", "GALE_DB_USER", "GALE_DB_PASSWORD");
            }
        }
    }

    @Test
    void eachWorkerPoolScalesOnItsQueueDepthAndTheGpuPoolScalesToZero() throws IOException {
        List<GenericKubernetesResource> scalers = ofKind(GenericKubernetesResource.class).stream()
                .filter(r -> r.getKind().equals("ScaledObject")).toList();
        for (Deployment worker : ofKind(Deployment.class).stream().filter(KubernetesManifestsTest::isWorker).toList()) {
            String name = worker.getMetadata().getName();
            String queue = worker.getMetadata().getLabels().get("gale.dev/queue");
            assertThat(container(worker).getArgs()).containsSubsequence("--queues", queue);
            GenericKubernetesResource scaler = scalers.stream()
                    .filter(s -> name.equals(s.get("spec", "scaleTargetRef", "name"))).findFirst().orElseThrow();
            List<Map<String, Object>> triggers = scaler.get("spec", "triggers");
            assertThat(triggers).singleElement().satisfies(trigger -> assertThat(
                    ((Map<?, ?>) trigger.get("metadata")).get("query"))
                    .isEqualTo("max(gale_queue_depth{queue=\"" + queue + "\"})"));
        }
        assertThat((Integer) named(GenericKubernetesResource.class, "gale-worker-gpu")
                .get("spec", "minReplicaCount")).isZero();
    }

    @Test
    void theSchedulerAndEveryWorkerExposeTheMetricsPortTheCodeServes() throws IOException {
        Matcher scheduler = Pattern.compile("env\\(\"GALE_METRICS_PORT\", \"(\\d+)\"\\)").matcher(Files.readString(
                Path.of("src/main/java/dev/gale/api/GaleCommand.java")));
        assertThat(scheduler.find()).isTrue();
        assertThat(container(named(Deployment.class, "gale-scheduler")).getPorts())
                .extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("metrics:" + scheduler.group(1));
        for (Deployment worker : ofKind(Deployment.class).stream().filter(KubernetesManifestsTest::isWorker).toList()) {
            Container container = container(worker);
            int port = dev.gale.sdk.runtime.cli.WorkerOptionsMixin.METRICS_PORT;
            assertThat(container.getPorts()).as(worker.getMetadata().getName())
                    .extracting(p -> p.getName() + ":" + p.getContainerPort()).containsExactly("metrics:" + port);
            assertThat(container.getEnv()).as(worker.getMetadata().getName())
                    .anyMatch(e -> e.getName().equals("GALE_WORKER_METRICS_PORT")
                            && e.getValue().equals(Integer.toString(port)));
        }
    }

    @Test
    void theRagPoolServesTheQueueOfTheIndexTasksAndItsPodsShareTheIndexVolumeOnOneNode() throws IOException {
        Matcher read = Pattern.compile("getenv\\(\"(GALE_[A-Z_]+)\"\\)").matcher(Files.readString(DIR.resolve(
                "../../examples/src/main/java/dev/gale/examples/RagStores.java").normalize()));
        assertThat(read.find()).isTrue();
        String queueVariable = read.group(1);
        Deployment rag = named(Deployment.class, "gale-worker-rag");
        String queue = rag.getMetadata().getLabels().get("gale.dev/queue");
        // Server, schedulers and workers build the same DAGs only when they see the same queue.
        assertThat(named(ConfigMap.class, "gale-server").getData()).containsEntry(queueVariable, queue);
        assertThat(named(ConfigMap.class, "gale-worker").getData()).containsEntry(queueVariable, queue);

        PodSpec pod = rag.getSpec().getTemplate().getSpec();
        String claim = pod.getVolumes().getFirst().getPersistentVolumeClaim().getClaimName();
        PersistentVolumeClaim volume = named(PersistentVolumeClaim.class, claim);
        Container container = container(rag);
        VolumeMount mount = container.getVolumeMounts().getFirst();
        assertThat(mount.getName()).isEqualTo(pod.getVolumes().getFirst().getName());
        Matcher home = Pattern.compile("getenv\\(\"(GALE_HOME)\"\\)").matcher(Files.readString(DIR.resolve(
                "../../llm-provider/src/main/java/dev/gale/llm/rag/RagIndexes.java").normalize()));
        assertThat(home.find()).isTrue();
        assertThat(container.getEnv()).anyMatch(e -> e.getName().equals(home.group(1))
                && e.getValue().equals(mount.getMountPath()));
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(1000L);
        if (volume.getSpec().getAccessModes().equals(List.of("ReadWriteOnce"))) {
            var affinity = pod.getAffinity().getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
            assertThat(affinity).singleElement().satisfies(term -> {
                assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                assertThat(rag.getSpec().getTemplate().getMetadata().getLabels())
                        .containsAllEntriesOf(term.getLabelSelector().getMatchLabels());
            });
        }
        for (Deployment other : ofKind(Deployment.class)) {
            if (!other.getMetadata().getName().equals("gale-worker-rag")) {
                assertThat(other.getSpec().getTemplate().getSpec().getVolumes()).as(other.getMetadata().getName())
                        .noneMatch(v -> v.getPersistentVolumeClaim() != null);
            }
        }
    }

    @Test
    void workersMayRunTaskPodsButNeverReadSecrets() throws IOException {
        Role role = named(Role.class, "gale-task-pods");
        Map<String, List<String>> verbs = new java.util.TreeMap<>();
        for (PolicyRule rule : role.getRules()) {
            assertThat(rule.getApiGroups()).containsExactly("");
            rule.getResources().forEach(resource -> verbs.put(resource, List.copyOf(rule.getVerbs())));
        }
        // What KubernetesPodRunner and OrphanPods call: create, read, watch, list, renew the lease of and delete
        // pods; follow their logs; create the Secret of a pod's connection values, which the pod owns.
        assertThat(verbs).containsOnlyKeys("pods", "pods/log", "secrets");
        assertThat(verbs.get("pods")).containsExactlyInAnyOrder("create", "get", "list", "watch", "patch", "delete");
        assertThat(verbs.get("pods/log")).containsExactly("get");
        assertThat(verbs.get("secrets")).as("reading, listing, patching or deleting would show a worker the database's")
                .containsExactly("create");
        RoleBinding binding = named(RoleBinding.class, "gale-worker-task-pods");
        assertThat(binding.getRoleRef().getName()).isEqualTo("gale-task-pods");
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
            assertThat(subject.getName()).isEqualTo("gale-worker");
        });
        assertThat(ofKind(Role.class)).as("no other role").hasSize(1);
    }
}

package dev.gale.worker.kubernetes;

import dev.gale.sdk.runtime.TaskKindRunner;
import dev.gale.sdk.spec.KubernetesPodSpec;
import dev.gale.sdk.spec.KubernetesPodSpec.Env;
import dev.gale.sdk.spec.KubernetesPodSpec.Volume;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pod (and the Secret for its connection values) of one attempt of a {@code kubernetes_pod} task,
 * made from the task's spec. Connection fields travel in the Secret, so that the pod's spec, which
 * anyone who may list pods can read, holds none of them.
 */
final class PodManifest {
    static final String CONTAINER = "task";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PodManifest() {
    }

    /** The pod and, when the task reads connections, its Secret. */
    record Objects(Pod pod, Secret secret) {
    }

    static Objects of(TaskKindRunner.Attempt attempt, KubernetesPodSpec spec, String namespace, String workerProcess,
                      long nowMs) throws TaskKindRunner.Failure {
        String name = PodLabels.podName(attempt);
        String secretName = name + "-env";
        Map<String, String> labels = PodLabels.labels(attempt, workerProcess);
        List<EnvVar> env = new ArrayList<>();
        new TreeMap<>(attempt.environment()).forEach((k, v) -> env.add(new EnvVar(k, v, null)));
        env.add(new EnvVar("GALE_PARAMS", attempt.paramsJson(), null));
        Map<String, String> secretValues = new LinkedHashMap<>();
        JsonNode params = JSON.readTree(attempt.paramsJson());
        for (Env e : spec.env()) {
            if (e.value() != null) {
                env.add(new EnvVar(e.name(), e.value(), null));
            } else if (e.param() != null) {
                JsonNode value = params.path(e.param());
                env.add(new EnvVar(e.name(), value.isMissingNode() || value.isNull() ? "" : value.isString()
                        ? value.asString() : JSON.writeValueAsString(value), null));
            } else {
                secretValues.put(e.name(), connectionField(attempt, e));
                env.add(new EnvVarBuilder().withName(e.name()).withNewValueFrom().withNewSecretKeyRef()
                        .withName(secretName).withKey(e.name()).endSecretKeyRef().endValueFrom().build());
            }
        }
        List<VolumeMount> mounts = new ArrayList<>();
        List<io.fabric8.kubernetes.api.model.Volume> volumes = new ArrayList<>();
        for (Volume v : spec.volumes()) {
            mounts.add(new VolumeMountBuilder().withName(v.name()).withMountPath(v.mountPath())
                    .withReadOnly(v.readOnly() ? true : null).build());
            VolumeBuilder volume = new VolumeBuilder().withName(v.name());
            switch (v.type()) {
                case Volume.PERSISTENT_VOLUME_CLAIM -> volume.withNewPersistentVolumeClaim().withClaimName(v.source())
                        .endPersistentVolumeClaim();
                case Volume.CONFIG_MAP -> volume.withNewConfigMap().withName(v.source()).endConfigMap();
                case Volume.SECRET -> volume.withNewSecret().withSecretName(v.source()).endSecret();
                default -> volume.withNewEmptyDir().endEmptyDir();
            }
            volumes.add(volume.build());
        }
        List<Toleration> tolerations = spec.tolerations().stream().map(t -> new TolerationBuilder().withKey(t.key())
                .withOperator(t.operator()).withValue(t.value()).withEffect(t.effect()).build()).toList();
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels)
                .withAnnotations(PodLabels.annotations(attempt, nowMs)).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withServiceAccountName(spec.serviceAccount())
                .withNodeSelector(spec.nodeSelector().isEmpty() ? null : spec.nodeSelector())
                .withTolerations(tolerations)
                .withVolumes(volumes)
                .addNewContainer()
                .withName(CONTAINER)
                .withImage(spec.image())
                .withCommand(spec.command())
                .withArgs(spec.args())
                .withEnv(env)
                .withVolumeMounts(mounts)
                .withTerminationMessagePath(spec.outputFile())
                .withNewResources().withRequests(quantities(spec.requests())).withLimits(quantities(spec.limits()))
                .endResources()
                .endContainer()
                .endSpec()
                .build();
        Secret secret = secretValues.isEmpty() ? null : new SecretBuilder()
                .withNewMetadata().withName(secretName).withNamespace(namespace).withLabels(labels).endMetadata()
                .withType("Opaque").withStringData(secretValues).build();
        return new Objects(pod, secret);
    }

    private static Map<String, Quantity> quantities(Map<String, String> values) {
        Map<String, Quantity> quantities = new TreeMap<>();
        values.forEach((k, v) -> quantities.put(k, new Quantity(v)));
        return quantities.isEmpty() ? null : quantities;
    }

    private static String connectionField(TaskKindRunner.Attempt attempt, Env e) throws TaskKindRunner.Failure {
        JsonNode connection;
        try {
            connection = JSON.readTree(attempt.connectionJson(e.connection()));
        } catch (RuntimeException problem) {
            throw new TaskKindRunner.Failure("cannot read connection '" + e.connection() + "' for environment"
                    + " variable " + e.name() + ": " + problem.getMessage());
        }
        JsonNode field = connection.path(e.field());
        if (field.isMissingNode() || field.isNull()) {
            throw new TaskKindRunner.Failure("connection '" + e.connection() + "' has no " + e.field()
                    + ", which environment variable " + e.name() + " is set from");
        }
        return field.isValueNode() ? field.asString() : JSON.writeValueAsString(field);
    }
}

package dev.gale.sdk.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A task that runs as its own Kubernetes pod, in serialized form: one container of {@code image}
 * ({@code command} overrides the image's entrypoint, {@code args} its arguments) in {@code namespace}
 * (null: the worker's namespace), with Kubernetes resource quantities in {@code requests} and
 * {@code limits} (GPUs as {@code nvidia.com/gpu}), environment variables, service account, node
 * selector, tolerations and volumes. The task's output is the content of {@code outputFile} (read by
 * Kubernetes as the container's termination message), else the container's last stdout line, as JSON.
 * A pod that has not started within {@code startupTimeoutMs} (not schedulable, its image not pulled)
 * fails the attempt with the reason.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record KubernetesPodSpec(
        String image,
        List<String> command,
        List<String> args,
        String namespace,
        Map<String, String> requests,
        Map<String, String> limits,
        List<Env> env,
        String serviceAccount,
        Map<String, String> nodeSelector,
        List<Toleration> tolerations,
        List<Volume> volumes,
        String outputFile,
        long startupTimeoutMs) {
    public static final String GPU_RESOURCE = "nvidia.com/gpu";

    public KubernetesPodSpec {
        command = command == null ? List.of() : List.copyOf(command);
        args = args == null ? List.of() : List.copyOf(args);
        requests = requests == null ? Map.of() : Map.copyOf(requests);
        limits = limits == null ? Map.of() : Map.copyOf(limits);
        env = env == null ? List.of() : List.copyOf(env);
        nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
        tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }

    /**
     * One environment variable: {@code value} as given, or the run's param {@code param} (a string as it
     * is, anything else as JSON), or the {@code field} ({@code host}, {@code port}, {@code login},
     * {@code password}, {@code schema}, {@code uri} …) of connection {@code connection}, which the worker
     * reads over the TEI and hands to the pod through a Kubernetes Secret, never in the pod's spec.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Env(String name, String value, String param, String connection, String field) {
    }

    /** A toleration as Kubernetes writes it; {@code operator} is {@code Equal} or {@code Exists}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Toleration(String key, String operator, String value, String effect) {
    }

    /**
     * A volume mounted at {@code mountPath}: {@code type} is {@code persistentVolumeClaim},
     * {@code configMap} or {@code secret} (of the object named {@code source}), or {@code emptyDir}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Volume(String name, String type, String source, String mountPath, boolean readOnly) {
        public static final String PERSISTENT_VOLUME_CLAIM = "persistentVolumeClaim";
        public static final String CONFIG_MAP = "configMap";
        public static final String SECRET = "secret";
        public static final String EMPTY_DIR = "emptyDir";
    }
}

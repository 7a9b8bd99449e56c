package dev.gale.sdk;

import dev.gale.sdk.spec.KubernetesPodSpec;
import dev.gale.sdk.spec.KubernetesPodSpec.Env;
import dev.gale.sdk.spec.KubernetesPodSpec.Toleration;
import dev.gale.sdk.spec.KubernetesPodSpec.Volume;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a task that runs as its own Kubernetes pod runs, as Airflow's KubernetesPodOperator takes it:
 * {@code KubernetesPod.image("ghcr.io/acme/train:1.4").command("python", "train.py").gpus(1)}, declared
 * with {@link DagBuilder#kubernetesPod(String, KubernetesPod)}. A worker that runs {@code kubernetes_pod}
 * tasks creates the pod, streams its logs into the task log, and deletes it when the attempt ends.
 * The task's output is the JSON the container writes to {@link #outputFile} or, without one, its last
 * stdout line, as a command task's. Mistakes (an image reference, a resource quantity) fail the DAG when
 * it is built, naming the DAG and the task.
 */
public final class KubernetesPod {
    /** A container image reference: [registry[:port]/]path[:tag][@sha256:digest]. */
    private static final Pattern IMAGE = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?/)?"
                    + "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                    + "(?::\\w[\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?");
    /** Kubernetes resource quantities as people write them: 500m, 2, 0.5, 8Gi, 512M. */
    private static final Pattern QUANTITY = Pattern.compile("[0-9]*\\.?[0-9]+(?:m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    private static final Set<String> CONNECTION_FIELDS = Set.of("type", "host", "port", "login", "password", "schema",
            "extra");
    private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    private static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(5);

    private final String image;
    private List<String> command = List.of();
    private List<String> args = List.of();
    private String namespace;
    private final Map<String, String> requests = new LinkedHashMap<>();
    private final Map<String, String> limits = new LinkedHashMap<>();
    private int gpus;
    private final List<Env> env = new ArrayList<>();
    private String serviceAccount;
    private final Map<String, String> nodeSelector = new LinkedHashMap<>();
    private final List<Toleration> tolerations = new ArrayList<>();
    private final List<Volume> volumes = new ArrayList<>();
    private String outputFile;
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;

    private KubernetesPod(String image) {
        this.image = image;
    }

    /** A pod of one container running {@code image}, e.g. {@code ghcr.io/acme/train:1.4}. */
    public static KubernetesPod image(String image) {
        return new KubernetesPod(image);
    }

    /** Replaces the image's entrypoint (Kubernetes' {@code command}). */
    public KubernetesPod command(String... command) {
        this.command = List.of(command);
        return this;
    }

    /** The arguments to the entrypoint (Kubernetes' {@code args}). */
    public KubernetesPod args(String... args) {
        this.args = List.of(args);
        return this;
    }

    /** The namespace to run the pod in; the worker's own namespace (or its client's default) unless set. */
    public KubernetesPod namespace(String namespace) {
        this.namespace = namespace;
        return this;
    }

    /** CPUs the pod requests, as a Kubernetes quantity: {@code "2"}, {@code "500m"}. */
    public KubernetesPod cpu(String quantity) {
        requests.put("cpu", quantity);
        return this;
    }

    /** The most CPU the pod may use; it is throttled beyond. */
    public KubernetesPod cpuLimit(String quantity) {
        limits.put("cpu", quantity);
        return this;
    }

    /** Memory the pod requests, as a Kubernetes quantity: {@code "8Gi"}. */
    public KubernetesPod memory(String quantity) {
        requests.put("memory", quantity);
        return this;
    }

    /** The most memory the pod may use; beyond it the container is OOMKilled, and the attempt says so. */
    public KubernetesPod memoryLimit(String quantity) {
        limits.put("memory", quantity);
        return this;
    }

    /** GPUs for the pod, as {@code nvidia.com/gpu}; the pod's node needs them, not the worker. */
    public KubernetesPod gpus(int count) {
        this.gpus = count;
        return this;
    }

    /** An environment variable with a value of its own. */
    public KubernetesPod env(String name, String value) {
        env.add(new Env(name, Objects.requireNonNull(value, "value of " + name), null, null, null));
        return this;
    }

    /** An environment variable set from the run's param {@code param} (its conf, or the param's default). */
    public KubernetesPod envFromParam(String name, String param) {
        env.add(new Env(name, null, Objects.requireNonNull(param, "param of " + name), null, null));
        return this;
    }

    /**
     * An environment variable set from {@code field} ({@code host}, {@code port}, {@code login},
     * {@code password}, {@code schema}, {@code type} or {@code extra}) of the connection {@code connId}. The
     * worker reads the connection over the TEI when the task runs and passes it in a Kubernetes Secret
     * deleted with the pod, so the value is in neither the DAG nor the pod's spec.
     */
    public KubernetesPod envFromConnection(String name, String connId, String field) {
        env.add(new Env(name, null, null, Objects.requireNonNull(connId, "connection of " + name), field));
        return this;
    }

    /** The pod's Kubernetes service account (for cloud credentials through workload identity). */
    public KubernetesPod serviceAccount(String name) {
        this.serviceAccount = name;
        return this;
    }

    /** Runs the pod only on nodes labelled {@code key=value}, e.g. a GPU node pool. */
    public KubernetesPod nodeSelector(String key, String value) {
        nodeSelector.put(key, value);
        return this;
    }

    /**
     * Lets the pod run on nodes tainted {@code key=value:effect}; {@code operator} is {@code Equal} or
     * {@code Exists} (then {@code value} is null). A null {@code effect} tolerates every effect.
     */
    public KubernetesPod toleration(String key, String operator, String value, String effect) {
        tolerations.add(new Toleration(key, operator, value, effect));
        return this;
    }

    /** Mounts the PersistentVolumeClaim {@code claim} at {@code mountPath}. */
    public KubernetesPod persistentVolumeClaim(String claim, String mountPath) {
        return volume(Volume.PERSISTENT_VOLUME_CLAIM, claim, mountPath, false);
    }

    /** Mounts the ConfigMap {@code name} at {@code mountPath}, read-only. */
    public KubernetesPod configMap(String name, String mountPath) {
        return volume(Volume.CONFIG_MAP, name, mountPath, true);
    }

    /** Mounts the Secret {@code name} at {@code mountPath}, read-only. */
    public KubernetesPod secret(String name, String mountPath) {
        return volume(Volume.SECRET, name, mountPath, true);
    }

    /** An empty scratch directory at {@code mountPath}, gone with the pod. */
    public KubernetesPod emptyDir(String mountPath) {
        return volume(Volume.EMPTY_DIR, null, mountPath, false);
    }

    private KubernetesPod volume(String type, String source, String mountPath, boolean readOnly) {
        volumes.add(new Volume("v" + volumes.size(), type, source, mountPath, readOnly));
        return this;
    }

    /**
     * The file (absolute, in the container) the task writes its output to, as JSON, at most 4 KiB: it
     * reaches the worker as the container's termination message. Without it the output is the last line
     * the container writes to stdout.
     */
    public KubernetesPod outputFile(String path) {
        this.outputFile = path;
        return this;
    }

    /** How long the pod may take to be scheduled and to pull its image (five minutes unless set). */
    public KubernetesPod startupTimeout(Duration timeout) {
        this.startupTimeout = Objects.requireNonNull(timeout);
        return this;
    }

    /** The serialized form, or {@link IllegalArgumentException} saying what is wrong. */
    KubernetesPodSpec toSpec() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        Map<String, String> allLimits = new LinkedHashMap<>(limits);
        if (gpus > 0) {
            allLimits.put(KubernetesPodSpec.GPU_RESOURCE, Integer.toString(gpus));
        }
        return new KubernetesPodSpec(image, command, args, namespace, requests, allLimits, env, serviceAccount,
                nodeSelector, tolerations, volumes, outputFile, startupTimeout.toMillis());
    }

    private List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (image == null || !IMAGE.matcher(image).matches()) {
            problems.add("image '" + image + "' is not a container image reference like ghcr.io/acme/train:1.4");
        }
        requests.forEach((name, q) -> checkQuantity(problems, name + " request", q));
        limits.forEach((name, q) -> checkQuantity(problems, name + " limit", q));
        if (gpus < 0) {
            problems.add("gpus must be 0 or more, got " + gpus);
        }
        if (namespace != null && !DNS_LABEL.matcher(namespace).matches()) {
            problems.add("namespace '" + namespace + "' is not a Kubernetes name (lower-case letters, digits, '-')");
        }
        if (serviceAccount != null && !DNS_SUBDOMAIN.matcher(serviceAccount).matches()) {
            problems.add("service account '" + serviceAccount + "' is not a Kubernetes name");
        }
        Set<String> names = new HashSet<>();
        for (Env e : env) {
            if (e.name() == null || !ENV_NAME.matcher(e.name()).matches()) {
                problems.add("environment variable name '" + e.name() + "' is not valid (letters, digits, '_')");
            } else if (!names.add(e.name())) {
                problems.add("environment variable " + e.name() + " is set twice");
            }
            if (e.connection() != null && !CONNECTION_FIELDS.contains(String.valueOf(e.field()))) {
                problems.add("environment variable " + e.name() + " reads field '" + e.field() + "' of connection '"
                        + e.connection() + "'; a connection has " + String.join(", ",
                        CONNECTION_FIELDS.stream().sorted().toList()));
            }
        }
        for (Toleration t : tolerations) {
            if (!"Equal".equals(t.operator()) && !"Exists".equals(t.operator())) {
                problems.add("toleration of '" + t.key() + "' has operator '" + t.operator()
                        + "'; it must be Equal or Exists");
            } else if (t.operator().equals("Exists") && t.value() != null) {
                problems.add("toleration of '" + t.key() + "' with operator Exists takes no value");
            }
            if (t.effect() != null && !EFFECTS.contains(t.effect())) {
                problems.add("toleration of '" + t.key() + "' has effect '" + t.effect()
                        + "'; it must be NoSchedule, PreferNoSchedule or NoExecute");
            }
        }
        Set<String> mountPaths = new HashSet<>();
        for (Volume v : volumes) {
            if (v.mountPath() == null || !v.mountPath().startsWith("/")) {
                problems.add("the " + v.type() + " volume's mount path '" + v.mountPath() + "' must be absolute");
            } else if (!mountPaths.add(v.mountPath())) {
                problems.add("two volumes are mounted at " + v.mountPath());
            }
            if (!v.type().equals(Volume.EMPTY_DIR) && (v.source() == null || !DNS_SUBDOMAIN.matcher(v.source()).matches())) {
                problems.add("the " + v.type() + " volume names '" + v.source() + "', which is not a Kubernetes name");
            }
        }
        if (outputFile != null && !outputFile.startsWith("/")) {
            problems.add("output file '" + outputFile + "' must be an absolute path in the container");
        }
        if (startupTimeout.isNegative() || startupTimeout.isZero()) {
            problems.add("startupTimeout must be positive, got " + startupTimeout);
        }
        return problems;
    }

    private static void checkQuantity(List<String> problems, String what, String quantity) {
        if (quantity == null || !QUANTITY.matcher(quantity).matches()) {
            problems.add(what + " '" + quantity + "' is not a Kubernetes quantity like 500m, 2, 8Gi");
        }
    }
}

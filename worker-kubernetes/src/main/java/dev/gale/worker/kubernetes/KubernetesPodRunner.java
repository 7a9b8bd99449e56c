package dev.gale.worker.kubernetes;

import dev.gale.sdk.runtime.TaskKindRunner;
import dev.gale.sdk.spec.IsolationSpec;
import dev.gale.sdk.spec.KubernetesPodSpec;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a {@code kubernetes_pod} task: creates its pod (and the Secret of its connection values, owned by the
 * pod), streams
 * the container's log into the task log, waits for the container to end while the worker heartbeats the
 * attempt, reads the output, and deletes the pod however the attempt ends: success, failure,
 * a startup or execution timeout, or an interrupt (the run was cancelled, the server timed the attempt
 * out, the worker is shutting down). While it waits it renews the pod's lease annotation, which is how
 * {@link OrphanPods} on any worker tells a pod still watched from one whose worker died.
 */
public final class KubernetesPodRunner implements TaskKindRunner {
    private static final Logger log = LoggerFactory.getLogger(KubernetesPodRunner.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int LAST_LINES = 10;
    /** How long the log stream may lag behind the container's end before the worker stops reading it. */
    private static final Duration LOG_PATIENCE = Duration.ofSeconds(10);
    private static final Duration API_PATIENCE = Duration.ofMinutes(2);
    /** Stands for a pod that could not be read this time. */
    private static final Pod UNREAD = new Pod();

    private final KubernetesClient client;
    private final String defaultNamespace;
    private final String workerProcess = UUID.randomUUID().toString();
    private final Duration pollInterval;
    private final Duration leaseInterval;
    /** Attempts between creating and deleting their pod; guarded by itself. */
    private final int[] active = {0};

    /**
     * @param pollInterval how often the pod's status is read
     * @param leaseInterval how often the pod's lease is renewed; {@link OrphanPods} must wait several of these
     */
    public KubernetesPodRunner(KubernetesClient client, Duration pollInterval, Duration leaseInterval) {
        this.client = client;
        this.defaultNamespace = client.getNamespace() == null ? "default" : client.getNamespace();
        this.pollInterval = pollInterval;
        this.leaseInterval = leaseInterval;
    }

    /** The process id this runner labels its pods with ({@link PodLabels#WORKER_PROCESS}). */
    public String workerProcess() {
        return workerProcess;
    }

    @Override
    public String kind() {
        return IsolationSpec.KUBERNETES_POD;
    }

    @Override
    public String run(Attempt attempt) throws Failure, InterruptedException {
        KubernetesPodSpec spec = attempt.spec().isolation().kubernetesPod();
        if (spec == null) {
            throw new Failure("task '" + attempt.taskId() + "' is of kind kubernetes_pod but its spec has no pod",
                    true);
        }
        String namespace = spec.namespace() == null ? defaultNamespace : spec.namespace();
        PodManifest.Objects objects = PodManifest.of(attempt, spec, namespace, workerProcess,
                System.currentTimeMillis());
        String name = objects.pod().getMetadata().getName();
        PodResource pod = client.pods().inNamespace(namespace).withName(name);
        synchronized (active) {
            active[0]++;
        }
        try {
            create(objects, namespace, attempt);
            attempt.log("task", "Created pod " + namespace + "/" + name + " (image " + spec.image() + ")");
            return await(pod, spec, attempt, namespace + "/" + name);
        } finally {
            delete(objects, namespace, attempt);
            synchronized (active) {
                active[0]--;
                active.notifyAll();
            }
        }
    }

    /**
     * Waits up to {@code patience} for the attempts running now to have deleted their pods: a worker that shuts
     * down interrupts them and must keep the client open until they have. False if some had not.
     */
    public boolean awaitIdle(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        synchronized (active) {
            while (active[0] > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(active, left);
            }
            return true;
        }
    }

    private void create(PodManifest.Objects objects, String namespace, Attempt attempt) throws Failure {
        try {
            Pod created = client.pods().inNamespace(namespace).resource(objects.pod()).create();
            if (objects.secret() != null) {
                // Made after the pod, owned by it: Kubernetes deletes it with the pod, so a worker needs no
                // right to read or delete Secrets (either would show it the others in the namespace). Until it
                // exists the kubelet waits to start the container (CreateContainerConfigError), then starts it.
                Secret secret = new SecretBuilder(objects.secret()).editMetadata().withOwnerReferences(
                        new OwnerReferenceBuilder().withApiVersion("v1").withKind("Pod")
                                .withName(created.getMetadata().getName()).withUid(created.getMetadata().getUid())
                                .build()).endMetadata().build();
                client.secrets().inNamespace(namespace).resource(secret).create();
            }
        } catch (KubernetesClientException e) {
            throw new Failure("worker " + attempt.workerId() + " cannot create pod " + namespace + "/"
                    + objects.pod().getMetadata().getName() + ": " + e.getMessage());
        }
    }

    private String await(PodResource pod, KubernetesPodSpec spec, Attempt attempt, String what)
            throws Failure, InterruptedException {
        long start = System.nanoTime();
        long startupDeadline = start + Duration.ofMillis(spec.startupTimeoutMs()).toNanos();
        Long timeoutMs = attempt.spec().executionTimeoutMs();
        long executionDeadline = timeoutMs == null || timeoutMs <= 0 ? Long.MAX_VALUE
                : start + Duration.ofMillis(timeoutMs).toNanos();
        long nextLease = System.nanoTime() + leaseInterval.toNanos();
        LogStream logs = null;
        String lastPending = null;
        long[] unreachableSince = {0};
        try {
            while (true) {
                Pod current = read(pod, what, unreachableSince);
                if (current == UNREAD) {
                    Thread.sleep(pollInterval);
                    continue;
                }
                if (current == null) {
                    throw new Failure("pod " + what + " was deleted before it finished (by a person, an eviction"
                            + " or another worker's clean-up)");
                }
                PodState state = PodState.of(current);
                if (!(state instanceof PodState.Pending) && logs == null) {
                    logs = new LogStream(pod, attempt);
                }
                switch (state) {
                    case PodState.Pending pending -> {
                        if (pending.reason() != null && !pending.reason().equals(lastPending)) {
                            attempt.log("task", "Pod " + what + " is pending: " + pending.reason());
                            lastPending = pending.reason();
                        }
                        if (pending.isFinal()) {
                            throw new Failure("pod " + what + " cannot start: " + pending.reason());
                        }
                        if (System.nanoTime() > startupDeadline) {
                            throw new Failure("pod " + what + " did not start within "
                                    + Duration.ofMillis(spec.startupTimeoutMs()).toSeconds() + " s"
                                    + (pending.reason() == null ? "" : ": " + pending.reason()));
                        }
                    }
                    case PodState.Running running -> {
                    }
                    case PodState.Succeeded succeeded -> {
                        logs.finish();
                        return output(spec, succeeded, logs, attempt, what);
                    }
                    case PodState.Failed failed -> {
                        logs.finish();
                        List<String> last = logs.lastLines();
                        throw new Failure("pod " + what + ": " + failed.reason() + (last.isEmpty() ? ""
                                : "; its last log lines:\n" + String.join("\n", last)));
                    }
                }
                if (System.nanoTime() > executionDeadline) {
                    throw new Failure("pod " + what + " ran past the task's execution timeout of "
                            + Duration.ofMillis(timeoutMs).toSeconds() + " s");
                }
                if (System.nanoTime() > nextLease) {
                    renewLease(pod, what);
                    nextLease = System.nanoTime() + leaseInterval.toNanos();
                }
                Thread.sleep(pollInterval);
            }
        } finally {
            if (logs != null) {
                logs.close();
            }
        }
    }

    /**
     * The pod as the API server has it now; null once it is gone. While the API server does not answer, the
     * attempt goes on waiting, up to {@link #API_PATIENCE}: a control plane upgrade should not fail a training run.
     */
    private Pod read(PodResource pod, String what, long[] unreachableSince) throws Failure, InterruptedException {
        try {
            Pod current = pod.get();
            unreachableSince[0] = 0;
            return current;
        } catch (KubernetesClientException e) {
            if (Thread.currentThread().isInterrupted() || e.getCause() instanceof InterruptedException) {
                throw new InterruptedException("stopped while reading pod " + what);
            }
            long now = System.nanoTime();
            if (unreachableSince[0] == 0) {
                unreachableSince[0] = now;
            } else if (now - unreachableSince[0] > API_PATIENCE.toNanos()) {
                throw new Failure("cannot read pod " + what + " from the Kubernetes API for "
                        + API_PATIENCE.toSeconds() + " s: " + e.getMessage());
            }
            log.warn("Cannot read pod {}; trying again: {}", what, e.getMessage());
            return UNREAD;
        }
    }

    private void renewLease(PodResource pod, String what) {
        try {
            pod.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\""
                    + PodLabels.LEASE_RENEWED + "\":\"" + System.currentTimeMillis() + "\"}}}");
        } catch (KubernetesClientException e) {
            log.warn("Cannot renew the lease of pod {}: {}", what, e.getMessage());
        }
    }

    private static String output(KubernetesPodSpec spec, PodState.Succeeded succeeded, LogStream logs,
                                 Attempt attempt, String what) throws Failure {
        String text;
        if (spec.outputFile() != null) {
            text = succeeded.terminationMessage() == null ? "" : succeeded.terminationMessage().strip();
            if (text.isEmpty()) {
                throw new Failure("pod " + what + " succeeded but wrote no output to " + spec.outputFile());
            }
        } else {
            List<String> last = logs.lastLines();
            text = last.isEmpty() ? "null" : last.getLast().strip();
        }
        try {
            return JSON.writeValueAsString(JSON.readTree(text));
        } catch (JacksonException e) {
            if (spec.outputFile() != null) {
                throw new Failure("pod " + what + " wrote output to " + spec.outputFile() + " that is not JSON: "
                        + e.getOriginalMessage());
            }
            attempt.log("task", "The pod's last stdout line is not JSON, so the task's output is null");
            return "null";
        }
    }

    /**
     * Deletes the pod (Kubernetes deletes its Secret with it), even when the attempt's thread was interrupted
     * (interrupted it stays).
     */
    private void delete(PodManifest.Objects objects, String namespace, Attempt attempt) {
        boolean interrupted = Thread.interrupted();
        String name = objects.pod().getMetadata().getName();
        try {
            client.pods().inNamespace(namespace).withName(name).delete();
            attempt.log("task", "Deleted pod " + namespace + "/" + name);
        } catch (KubernetesClientException e) {
            log.warn("Cannot delete pod {}/{}; orphan clean-up will: {}", namespace, name, e.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The container's log, followed from its start, line by line into the task log; keeps the last lines. */
    private static final class LogStream implements AutoCloseable {
        private final Deque<String> last = new ArrayDeque<>();
        private final LogWatch watch;
        private final Thread reader;

        LogStream(PodResource pod, Attempt attempt) {
            LogWatch opened;
            try {
                opened = pod.inContainer(PodManifest.CONTAINER).watchLog();
            } catch (KubernetesClientException e) {
                attempt.log("task", "Cannot stream the pod's log: " + e.getMessage());
                opened = null;
            }
            this.watch = opened;
            this.reader = watch == null ? null : Thread.ofVirtual().name("gale-pod-log").start(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(watch.getOutput(),
                        StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        attempt.log("stdout", line);
                        synchronized (last) {
                            if (!line.isBlank()) {
                                last.addLast(line);
                                if (last.size() > LAST_LINES) {
                                    last.removeFirst();
                                }
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    attempt.log("task", "The pod's log stream ended: " + e.getMessage());
                }
            });
        }

        /** Waits for the rest of the log of a container that has ended. */
        void finish() throws InterruptedException {
            if (reader != null) {
                reader.join(LOG_PATIENCE);
            }
        }

        List<String> lastLines() {
            synchronized (last) {
                return List.copyOf(last);
            }
        }

        @Override
        public void close() {
            if (watch != null) {
                watch.close();
            }
        }
    }
}

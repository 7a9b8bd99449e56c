package dev.gale.worker.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a task's pod stands, read from its status as the kubelet and the scheduler write it. Pending
 * carries why it is not running yet (not schedulable, its image not pulled), and whether that is final.
 */
sealed interface PodState {
    /**
     * Waiting reasons that no wait mends: the kubelet has already retried the pull and backs off, or the
     * image reference cannot be pulled at all. Others (ErrImagePull, CreateContainerConfigError) may
     * clear, and wait for the startup timeout.
     */
    Set<String> FINAL_WAITING_REASONS = Set.of("ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");

    record Pending(String reason, boolean isFinal) implements PodState {
    }

    record Running() implements PodState {
    }

    /** The container exited 0; {@code terminationMessage} is what it wrote to its termination message path. */
    record Succeeded(String terminationMessage) implements PodState {
    }

    record Failed(String reason, boolean outOfMemory) implements PodState {
    }

    static PodState of(Pod pod) {
        PodStatus status = pod.getStatus();
        if (status == null) {
            return new Pending(null, false);
        }
        Optional<ContainerStatus> container = container(status);
        Optional<ContainerStateTerminated> terminated = container.map(c -> c.getState())
                .map(s -> s.getTerminated());
        if (terminated.isPresent()) {
            ContainerStateTerminated t = terminated.get();
            Integer exitCode = t.getExitCode();
            if (exitCode != null && exitCode == 0) {
                return new Succeeded(t.getMessage());
            }
            boolean oom = "OOMKilled".equals(t.getReason());
            String memoryLimit = limit(pod, "memory");
            return new Failed(oom ? "the container was OOMKilled (exit code " + exitCode + "): it used more memory"
                    + " than its limit" + (memoryLimit == null ? "" : " of " + memoryLimit)
                    : "the container exited with code " + exitCode + (t.getReason() == null ? "" : " (" + t.getReason()
                    + (t.getMessage() == null || t.getMessage().isBlank() ? "" : ": " + t.getMessage().strip()) + ")"),
                    oom);
        }
        if ("Failed".equals(status.getPhase())) {
            return new Failed("the pod failed" + describe(status.getReason(), status.getMessage()), false);
        }
        if ("Succeeded".equals(status.getPhase())) {
            return new Succeeded(null);
        }
        Optional<ContainerStateWaiting> waiting = container.map(c -> c.getState()).map(s -> s.getWaiting());
        if (waiting.isPresent() && waiting.get().getReason() != null
                && !waiting.get().getReason().equals("ContainerCreating")) {
            ContainerStateWaiting w = waiting.get();
            return new Pending(w.getReason() + (w.getMessage() == null ? "" : ": " + w.getMessage()),
                    FINAL_WAITING_REASONS.contains(w.getReason()));
        }
        if (container.map(c -> c.getState()).map(s -> s.getRunning()).isPresent()) {
            return new Running();
        }
        return new Pending(unschedulable(status.getConditions()), false);
    }

    private static Optional<ContainerStatus> container(PodStatus status) {
        List<ContainerStatus> statuses = status.getContainerStatuses();
        return statuses == null ? Optional.empty() : statuses.stream()
                .filter(c -> PodManifest.CONTAINER.equals(c.getName()) && c.getState() != null).findFirst();
    }

    private static String unschedulable(List<PodCondition> conditions) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream().filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
                .findFirst().map(c -> (c.getReason() == null ? "not scheduled" : c.getReason())
                        + (c.getMessage() == null ? "" : ": " + c.getMessage())).orElse(null);
    }

    private static String limit(Pod pod, String resource) {
        return pod.getSpec().getContainers().stream().filter(c -> PodManifest.CONTAINER.equals(c.getName()))
                .findFirst().map(c -> c.getResources()).map(r -> r.getLimits()).map(l -> l.get(resource))
                .map(Object::toString).orElse(null);
    }

    private static String describe(String reason, String message) {
        return (reason == null ? "" : ": " + reason) + (message == null ? "" : " (" + message + ")");
    }
}

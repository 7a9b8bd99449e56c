package dev.gale.scheduler.engine;

import java.util.List;
import java.util.Optional;

/**
 * Whether a queued task that needs GPUs can ever be placed on one of the connected workers, and
 * how to say what it waits for. A task that fits a busy worker is only waiting for a slot; one that
 * fits no worker waits for a worker that does not exist yet, and is failed after the GPU wait timeout.
 */
public final class GpuPlacement {
    private GpuPlacement() {
    }

    /** Why no connected worker could ever run the task, or empty when one could (or it needs no GPU). */
    public static Optional<String> unplaceable(String queue, int gpus, long gpuMemoryMb, List<WorkerOffer> connected) {
        if (gpus <= 0 || connected.stream().anyMatch(w -> w.couldEverRun(queue, gpus, gpuMemoryMb))) {
            return Optional.empty();
        }
        List<WorkerOffer> gpuWorkers = connected.stream().filter(w -> w.hasGpus() && w.queues().contains(queue))
                .toList();
        String offered = gpuWorkers.isEmpty() ? "no GPU worker on queue '" + queue + "' is connected"
                : "connected GPU workers on queue '" + queue + "' offer " + String.join(", ", gpuWorkers.stream()
                        .map(w -> w.workerId() + " " + w.gpuCount() + " x " + memory(w.gpuMemoryMb())).toList());
        return Optional.of(need(queue, gpus, gpuMemoryMb) + "; " + offered);
    }

    /** "waiting for a worker with 1 GPU of >= 40 GB on queue 'default'". */
    public static String need(String queue, int gpus, long gpuMemoryMb) {
        return "waiting for a worker with " + gpus + (gpus == 1 ? " GPU" : " GPUs")
                + (gpuMemoryMb > 0 ? " of >= " + memory(gpuMemoryMb) : "") + " on queue '" + queue + "'";
    }

    /** MiB as people say it: whole GiB as "40 GB", anything else in MB. */
    static String memory(long mb) {
        return mb >= 1024 && mb % 1024 == 0 ? mb / 1024 + " GB" : mb + " MB";
    }
}

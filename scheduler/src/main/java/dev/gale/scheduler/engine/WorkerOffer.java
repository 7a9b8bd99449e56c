package dev.gale.scheduler.engine;

import java.util.List;

/**
 * What a connected worker offers to GPU routing: its queues, how many GPUs and how much memory the
 * smallest of them has, and whether a worker with GPUs also takes tasks that need none.
 */
public record WorkerOffer(String workerId, List<String> queues, int gpuCount, long gpuMemoryMb,
                          boolean takesCpuTasks) {

    public WorkerOffer {
        queues = List.copyOf(queues);
    }

    /** A worker without GPUs: it takes only tasks that need none. */
    public static WorkerOffer cpu(String workerId, List<String> queues) {
        return new WorkerOffer(workerId, queues, 0, 0, true);
    }

    public boolean hasGpus() {
        return gpuCount > 0;
    }

    /** Whether tasks that need no GPU may run on this worker. */
    public boolean takesTasksWithoutGpu() {
        return !hasGpus() || takesCpuTasks;
    }

    /** Whether this worker could run a task needing {@code gpus} GPUs of {@code gpuMemoryMb} each once idle. */
    public boolean couldEverRun(String queue, int gpus, long memoryMb) {
        return queues.contains(queue) && gpus <= gpuCount && memoryMb <= gpuMemoryMb;
    }
}

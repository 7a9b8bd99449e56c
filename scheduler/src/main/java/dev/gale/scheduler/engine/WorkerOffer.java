package dev.gale.scheduler.engine;

import java.util.List;

/**
 * What a connected worker offers to routing: its queues, how many GPUs and how much memory the
 * smallest of them has, whether a worker with GPUs also takes tasks that need none, and the task
 * kinds it runs ({@code java}, {@code command}, {@code python}).
 */
public record WorkerOffer(String workerId, List<String> queues, int gpuCount, long gpuMemoryMb,
                          boolean takesCpuTasks, List<String> taskKinds) {
    /** What Gale's Java worker runs, and so what a worker that names no kinds is taken to run. */
    public static final List<String> JAVA_WORKER_KINDS = List.of("java", "command", "python");

    public WorkerOffer {
        queues = List.copyOf(queues);
        taskKinds = taskKinds == null || taskKinds.isEmpty() ? JAVA_WORKER_KINDS : List.copyOf(taskKinds);
    }

    /** A worker that runs every kind Gale's Java worker runs. */
    public WorkerOffer(String workerId, List<String> queues, int gpuCount, long gpuMemoryMb, boolean takesCpuTasks) {
        this(workerId, queues, gpuCount, gpuMemoryMb, takesCpuTasks, null);
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

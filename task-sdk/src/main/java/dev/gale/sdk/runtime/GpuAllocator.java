package dev.gale.sdk.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Hands a worker's GPUs to task attempts, each GPU to one attempt at a time. A GPU worker gives its
 * worker one; a worker without one runs no task that needs a GPU.
 */
public interface GpuAllocator {
    /**
     * Takes {@code count} free GPUs with at least {@code memoryMb} MiB each (0: any), waiting up to
     * {@code patience} for GPUs that an ending attempt still holds. Returns their device indices, or
     * empty when they did not come free in time.
     */
    Optional<List<Integer>> acquire(int count, long memoryMb, Duration patience) throws InterruptedException;

    /** Gives back GPUs that {@link #acquire} handed out. */
    void release(List<Integer> devices);
}

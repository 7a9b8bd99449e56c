package dev.gale.worker.gpu;

import dev.gale.sdk.runtime.GpuAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The GPU worker's slot accounting: each GPU of the inventory runs one attempt at a time. An attempt
 * takes the smallest free GPUs that have the memory it asks for, so that large GPUs stay free for
 * the tasks that need them.
 */
public final class GpuSlots implements GpuAllocator {
    private final List<Gpu> gpus;
    private final Set<Integer> busy = new HashSet<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();

    public GpuSlots(GpuInventory inventory) {
        this.gpus = inventory.gpus().stream()
                .sorted(java.util.Comparator.comparingLong(Gpu::memoryMb).thenComparingInt(Gpu::index)).toList();
    }

    @Override
    public Optional<List<Integer>> acquire(int count, long memoryMb, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        lock.lock();
        try {
            while (true) {
                List<Integer> fitting = new ArrayList<>();
                for (Gpu gpu : gpus) {
                    if (fitting.size() < count && !busy.contains(gpu.index()) && gpu.memoryMb() >= memoryMb) {
                        fitting.add(gpu.index());
                    }
                }
                if (fitting.size() == count) {
                    busy.addAll(fitting);
                    return Optional.of(List.copyOf(fitting));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                released.await(left, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void release(List<Integer> devices) {
        lock.lock();
        try {
            devices.forEach(busy::remove);
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** GPUs held by running attempts now. */
    public int inUse() {
        lock.lock();
        try {
            return busy.size();
        } finally {
            lock.unlock();
        }
    }
}

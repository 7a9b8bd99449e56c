package dev.gale.scheduler.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Waits for DAG runs to finish, woken by the run-finished notification that the store sends on
 * commit, whichever process finished the run. Nothing polls the database while waiting.
 */
public final class RunWaiter {
    /** How often a waiter reads the run itself, in case its notification was lost. */
    private static final Duration RECHECK = Duration.ofSeconds(5);
    private final SchedulerStore store;
    private final Map<String, List<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

    public RunWaiter(SchedulerStore store, Notifications notifications, String runFinishedChannel) {
        this.store = store;
        notifications.subscribe(runFinishedChannel, this::finished);
    }

    /**
     * The run once finished, or as it is when {@code timeout} passes. Blocks the calling thread, so
     * call it from a virtual thread.
     */
    public Optional<DagRunView> await(String dagId, String runId, Duration timeout) throws InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        List<CompletableFuture<Void>> list = waiting.computeIfAbsent(runId, k -> new CopyOnWriteArrayList<>());
        list.add(done);
        try {
            // Registered before reading, so a finish between the read and the wait is not missed.
            Optional<DagRunView> run = store.findRun(dagId, runId);
            if (run.isEmpty() || run.get().state().isFinished()) {
                return run;
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                try {
                    done.get(Math.min(left, RECHECK.toNanos()), TimeUnit.NANOSECONDS);
                    return store.findRun(dagId, runId);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    // A notification sent while the LISTEN connection was down is lost: look for ourselves.
                    run = store.findRun(dagId, runId);
                    if (left <= RECHECK.toNanos() || run.isEmpty() || run.get().state().isFinished()) {
                        return run;
                    }
                }
            }
        } finally {
            list.remove(done);
            waiting.computeIfPresent(runId, (k, v) -> v.isEmpty() ? null : v);
        }
    }

    private void finished(String runId) {
        List<CompletableFuture<Void>> list = waiting.get(runId);
        if (list != null) {
            SchedulerEvents.RunFinishedNotice event = new SchedulerEvents.RunFinishedNotice();
            event.runId = runId;
            event.commit();
            list.forEach(f -> f.complete(null));
        }
    }
}

package dev.gale.sdk.runtime;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a user's callback on its own thread for at most a timeout, so that a callback that hangs cannot
 * hold a worker slot (or a run's callback delivery) forever, and what it throws stays with it.
 */
final class BoundedCallback {
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private BoundedCallback() {
    }

    /** Runs {@code body}; returns what went wrong (what it threw, or that it ran too long), empty when it returned. */
    static Optional<String> run(String threadName, Duration timeout, Body body) {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().name(threadName).daemon(true).start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        try {
            if (!thread.join(timeout)) {
                thread.interrupt();
                return Optional.of("it did not finish within " + timeout.toMillis() + " ms; it was interrupted and"
                        + " is no longer waited for");
            }
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            return Optional.of("the worker stopped waiting for it: it is shutting down");
        }
        Throwable problem = thrown.get();
        return problem == null ? Optional.empty() : Optional.of(problem.toString());
    }
}

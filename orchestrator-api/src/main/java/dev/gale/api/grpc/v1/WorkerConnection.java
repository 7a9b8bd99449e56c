package dev.gale.api.grpc.v1;

import dev.gale.scheduler.engine.WorkerOffer;
import dev.gale.tei.v1.Assignment;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One worker's open assignment stream, what the worker offers, and how many more assignments it asked for,
 * never more than the slots it registered (a worker that sends more credits than it has slots gets no more).
 */
final class WorkerConnection {
    private final WorkerOffer offer;
    private final int slots;
    private final ServerCallStreamObserver<Assignment> stream;
    private final AtomicInteger credits = new AtomicInteger();

    WorkerConnection(WorkerOffer offer, int slots, ServerCallStreamObserver<Assignment> stream) {
        this.offer = offer;
        this.slots = Math.max(1, slots);
        this.stream = stream;
    }

    String workerId() {
        return offer.workerId();
    }

    WorkerOffer offer() {
        return offer;
    }

    int credits() {
        return credits.get();
    }

    /**
     * Adds the credits; true when a claim for this worker may now find work that the last one could not: it had no
     * credits left, or it has GPUs (a finished task may have freed one that a queued GPU task waits for, and nothing
     * else says so).
     */
    boolean addCredits(int n) {
        int held = credits.getAndAccumulate(n, (before, added) -> Math.min(slots, before + added));
        return n > 0 && (held <= 0 || offer.gpuCount() > 0);
    }

    /** Whether the worker's stream has ended (it disconnected or was killed). */
    boolean isGone() {
        return stream.isCancelled();
    }

    /** Sends one assignment; false when the stream is gone. */
    boolean send(Assignment assignment) {
        synchronized (stream) {
            if (stream.isCancelled()) {
                return false;
            }
            // The credit is taken before the assignment leaves: a worker may answer it with a new credit before
            // onNext returns, and taking it after would cancel that credit (held at the slot cap) for good.
            credits.decrementAndGet();
            try {
                stream.onNext(assignment);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }
    }
}

package dev.gale.api.grpc.v1;

import dev.gale.tei.v1.Assignment;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** One worker's open assignment stream, and how many more assignments it asked for. */
final class WorkerConnection {
    private final String workerId;
    private final List<String> queues;
    private final ServerCallStreamObserver<Assignment> stream;
    private final AtomicInteger credits = new AtomicInteger();

    WorkerConnection(String workerId, List<String> queues, ServerCallStreamObserver<Assignment> stream) {
        this.workerId = workerId;
        this.queues = List.copyOf(queues);
        this.stream = stream;
    }

    String workerId() {
        return workerId;
    }

    List<String> queues() {
        return queues;
    }

    int credits() {
        return credits.get();
    }

    void addCredits(int n) {
        credits.addAndGet(n);
    }

    /** Sends one assignment; false when the stream is gone. */
    boolean send(Assignment assignment) {
        synchronized (stream) {
            if (stream.isCancelled()) {
                return false;
            }
            try {
                stream.onNext(assignment);
                credits.decrementAndGet();
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }
    }
}

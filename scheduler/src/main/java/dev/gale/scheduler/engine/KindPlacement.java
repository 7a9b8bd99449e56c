package dev.gale.scheduler.engine;

import java.util.List;
import java.util.Optional;

/**
 * Whether a queued task of a kind other than {@code java} (a command, a Python function) has a
 * connected worker on its queue that runs that kind, and how to say what it waits for otherwise.
 */
public final class KindPlacement {
    private KindPlacement() {
    }

    /** Why no connected worker runs the task, or empty when one does. */
    public static Optional<String> unplaceable(String queue, String kind, List<WorkerOffer> connected) {
        List<WorkerOffer> onQueue = connected.stream().filter(w -> w.queues().contains(queue)).toList();
        if (onQueue.stream().anyMatch(w -> w.taskKinds().contains(kind))) {
            return Optional.empty();
        }
        String offered = onQueue.isEmpty() ? "no worker on queue '" + queue + "' is connected"
                : "connected workers on queue '" + queue + "' run " + String.join("; ", onQueue.stream()
                        .map(w -> w.workerId() + ": " + String.join(", ", w.taskKinds())).toList());
        return Optional.of("waiting for a worker that runs " + kind + " tasks on queue '" + queue + "'; " + offered);
    }
}

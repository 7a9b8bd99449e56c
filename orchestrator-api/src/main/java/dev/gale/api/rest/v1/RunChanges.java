package dev.gale.api.rest.v1;

import dev.gale.scheduler.service.Notifications;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fans the database's "run changed" notifications out to the server-sent event streams of this
 * replica. The notification thread only files each change with the subscribers that want it; every
 * subscriber coalesces repeated changes of one run and holds at most {@link #MAX_PENDING} runs, so a
 * slow browser costs bounded memory and is told to reload everything instead.
 */
public final class RunChanges implements AutoCloseable {
    static final int MAX_PENDING = 256;

    /** A run whose state or whose task instances' states changed. */
    record Change(String dagId, String runId) {
    }

    private final JsonMapper json = JsonMapper.builder().build();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final AutoCloseable subscription;

    public RunChanges(Notifications notifications, String channel) {
        subscription = notifications.subscribe(channel, this::changed);
    }

    private void changed(String payload) {
        JsonNode node = json.readTree(payload);
        Change change = new Change(node.get("dagId").asString(), node.get("runId").asString());
        subscribers.forEach(s -> s.offer(change));
    }

    /** Changes of runs of {@code dagId} (or of any DAG when null), of {@code runId} only when given. */
    Subscriber subscribe(String dagId, String runId) {
        Subscriber subscriber = new Subscriber(dagId, runId);
        subscribers.add(subscriber);
        return subscriber;
    }

    @Override
    public void close() throws Exception {
        subscription.close();
    }

    /** Ends every stream, so that a graceful shutdown does not wait for browsers to hang up. */
    void closeAll() {
        subscribers.forEach(Subscriber::end);
    }

    /**
     * One event stream's pending changes. A lock and condition rather than synchronized and wait,
     * so that the virtual thread that waits here does not pin its carrier thread on JDK 21.
     */
    final class Subscriber implements AutoCloseable {
        private final String dagId;
        private final String runId;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final LinkedHashSet<Change> pending = new LinkedHashSet<>();
        private boolean overflowed;
        private boolean ended;

        private Subscriber(String dagId, String runId) {
            this.dagId = dagId;
            this.runId = runId;
        }

        private void offer(Change change) {
            if ((dagId != null && !dagId.equals(change.dagId())) || (runId != null && !runId.equals(change.runId()))) {
                return;
            }
            lock.lock();
            try {
                if (pending.size() >= MAX_PENDING && !pending.contains(change)) {
                    pending.clear();
                    overflowed = true;
                } else if (!overflowed) {
                    pending.add(change);
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private void end() {
            lock.lock();
            try {
                ended = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** Whether the server is shutting down: the stream should end. */
        boolean ended() {
            lock.lock();
            try {
                return ended;
            } finally {
                lock.unlock();
            }
        }

        /**
         * The changes filed since the last call, waiting up to {@code timeout} for one; an empty list
         * after the timeout or once ended. Null when changes were dropped: the reader must reload what it shows.
         */
        List<Change> next(Duration timeout) throws InterruptedException {
            long left = timeout.toNanos();
            lock.lock();
            try {
                while (pending.isEmpty() && !overflowed && !ended && left > 0) {
                    left = changed.awaitNanos(left);
                }
                if (overflowed) {
                    overflowed = false;
                    return null;
                }
                List<Change> changes = List.copyOf(pending);
                pending.clear();
                return changes;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }
}

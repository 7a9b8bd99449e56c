package dev.gale.api.rest.v1;

import dev.gale.scheduler.service.Notifications;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    /** One event stream's pending changes. */
    final class Subscriber implements AutoCloseable {
        private final String dagId;
        private final String runId;
        private final LinkedHashSet<Change> pending = new LinkedHashSet<>();
        private boolean overflowed;

        private Subscriber(String dagId, String runId) {
            this.dagId = dagId;
            this.runId = runId;
        }

        private synchronized void offer(Change change) {
            if ((dagId != null && !dagId.equals(change.dagId())) || (runId != null && !runId.equals(change.runId()))) {
                return;
            }
            if (pending.size() >= MAX_PENDING && !pending.contains(change)) {
                pending.clear();
                overflowed = true;
            } else if (!overflowed) {
                pending.add(change);
            }
            notifyAll();
        }

        /**
         * The changes filed since the last call, waiting up to {@code timeout} for one; an empty list
         * after the timeout. Null when changes were dropped: the reader must reload what it shows.
         */
        synchronized List<Change> next(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (pending.isEmpty() && !overflowed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return List.of();
                }
                wait(Math.max(1, left / 1_000_000));
            }
            if (overflowed) {
                overflowed = false;
                return null;
            }
            List<Change> changes = List.copyOf(pending);
            pending.clear();
            return changes;
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }
}

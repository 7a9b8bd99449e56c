package dev.gale.scheduler.service;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Which workers are connected now. The API replica holding a worker's assignment stream marks it
 * seen while the stream is open and disconnected when it closes; a worker not seen for the heartbeat
 * timeout (its replica died) no longer counts as connected.
 */
public final class WorkerDirectory {
    private final SchedulerStore store;
    private final Clock clock;
    private final Duration heartbeatTimeout;

    public WorkerDirectory(SchedulerStore store, Clock clock, Duration heartbeatTimeout) {
        this.store = store;
        this.clock = clock;
        this.heartbeatTimeout = heartbeatTimeout;
    }

    public void seen(List<String> workerIds) {
        if (!workerIds.isEmpty()) {
            store.workersSeen(workerIds, clock.instant());
        }
    }

    public void disconnected(String workerId) {
        store.workerDisconnected(workerId, clock.instant());
    }

    public List<WorkerView> connected() {
        return store.connectedWorkers(clock.instant().minus(heartbeatTimeout));
    }

    /** How often a replica must mark its workers seen so that none ages out while connected. */
    public Duration seenInterval() {
        return heartbeatTimeout.dividedBy(3);
    }
}

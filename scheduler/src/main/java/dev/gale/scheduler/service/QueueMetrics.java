package dev.gale.scheduler.service;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** What an operator's dashboard and an autoscaler read about the task instances: counts per queue and state. */
public interface QueueMetrics {

    /** The counts as of {@code now}, read in one grouped query. */
    Snapshot read(Instant now);

    /** One queue's waiting work: how many task instances are queued and how long the oldest has waited. */
    record QueueDepth(long queued, Duration oldestWait) {
    }

    /**
     * The queues that hold any task instance, each with its queued work, and the task instances counted by
     * state wire name.
     */
    record Snapshot(Map<String, QueueDepth> queues, Map<String, Long> byState) {
    }
}

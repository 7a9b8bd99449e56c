package dev.gale.scheduler.kafka;

import dev.gale.scheduler.service.Notifications;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.SchedulerStore;
import dev.gale.sdk.spec.DagSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The Kafka side of a scheduler: one consumer per event-triggered DAG, each in the DAG's consumer
 * group, so that with several scheduler replicas each partition is consumed by one of them and
 * Kafka moves partitions when replicas come and go.
 */
public final class EventIngestion implements AutoCloseable {
    private final List<TopicConsumer> consumers = new ArrayList<>();
    private final AutoCloseable subscription;

    private EventIngestion(Collection<DagSpec> dags, KafkaSettings settings, RunService runs, SchedulerStore store,
                           EventOffsets offsets, Notifications notifications, String runFinishedChannel,
                           Clock clock) {
        for (DagSpec dag : dags) {
            if (dag.schedule() != null && dag.schedule().kafka() != null) {
                consumers.add(new TopicConsumer(dag.dagId(), dag.schedule().kafka(), settings, runs, store, offsets,
                        clock));
            }
        }
        subscription = notifications.subscribe(runFinishedChannel,
                runId -> consumers.forEach(c -> c.runFinished(runId)));
    }

    /** Starts consuming the topics of the event-triggered DAGs among {@code dags}. */
    public static EventIngestion start(Collection<DagSpec> dags, KafkaSettings settings, RunService runs,
                                       SchedulerStore store, EventOffsets offsets, Notifications notifications,
                                       String runFinishedChannel, Clock clock) {
        EventIngestion ingestion = new EventIngestion(dags, settings, runs, store, offsets, notifications,
                runFinishedChannel, clock);
        ingestion.consumers.forEach(TopicConsumer::start);
        return ingestion;
    }

    @Override
    public void close() throws Exception {
        subscription.close();
        consumers.forEach(TopicConsumer::close);
    }
}

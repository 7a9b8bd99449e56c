package dev.gale.scheduler.kafka;

import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.service.DagPausedException;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.RunRequest;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.SchedulerStore;
import dev.gale.sdk.EventRecords;
import dev.gale.sdk.spec.KafkaTriggerSpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the records of one event-triggered DAG's topic into runs, one micro-batch at a time, as a
 * member of the DAG's consumer group (Kafka decides which partitions this scheduler owns).
 * <p>
 * One batch is in flight at a time: its offsets are committed only once its run succeeded; a failed
 * run is retried with the same records (a new run, after a back-off), and nothing taken after it
 * starts a run before it succeeded, so each partition is processed in order. Records keep arriving
 * meanwhile, up to one batch ahead. A record whose value is not JSON goes to the dead-letter topic
 * with the reason in a header ({@link DeadLetters}); its offset is committed with the batch.
 */
final class TopicConsumer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicConsumer.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final Duration RUN_CHECK = Duration.ofSeconds(2);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private record Queued(ConsumerRecord<byte[], byte[]> record, Instant arrived) {
    }

    /** The batch whose run is running, waiting to be retried, or succeeded and waiting to be committed. */
    private static final class InFlight {
        final EventBatch batch;
        int attempt = 1;
        String runId;
        Instant retryAt;
        Instant nextCheck;
        boolean succeeded;

        InFlight(EventBatch batch) {
            this.batch = batch;
        }
    }

    private final String dagId;
    private final KafkaTriggerSpec trigger;
    private final RunService runs;
    private final SchedulerStore store;
    private final EventOffsets offsets;
    private final Clock clock;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final DeadLetters deadLetters;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String awaitedRunId;
    private volatile boolean awaitedRunEnded;
    private InFlight inFlight;
    private boolean dagPaused;
    private Instant pauseCheckedAt = Instant.EPOCH;

    TopicConsumer(String dagId, KafkaTriggerSpec trigger, KafkaSettings settings, RunService runs,
                  SchedulerStore store, EventOffsets offsets, Clock clock) {
        this.dagId = dagId;
        this.trigger = trigger;
        this.runs = runs;
        this.store = store;
        this.offsets = offsets;
        this.clock = clock;
        this.consumer = new KafkaConsumer<>(settings.client(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, groupId(dagId),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // Subscribing must not create the topic with the broker's default partitions.
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, trigger.maxRecords(),
                // A scheduler that dies gives up its partitions within seconds, not the default 45.
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000,
                ConsumerConfig.CLIENT_ID_CONFIG, "gale-" + dagId + "-" + ProcessHandle.current().pid())),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.deadLetters = new DeadLetters(dagId, trigger.deadLetterTopic(), settings);
        this.thread = Thread.ofPlatform().daemon().name("gale-kafka-" + dagId).unstarted(this::loop);
    }

    /** The consumer group of a DAG: one per DAG, shared by every scheduler replica. */
    static String groupId(String dagId) {
        return "gale." + dagId;
    }

    TopicConsumer start() {
        thread.start();
        return this;
    }

    /** Told by the run-finished notification; wakes the consumer when it is this DAG's batch run. */
    void runFinished(String runId) {
        if (runId.equals(awaitedRunId)) {
            awaitedRunEnded = true;
            consumer.wakeup();
        }
    }

    private void loop() {
        consumer.subscribe(List.of(trigger.topic()), new Rebalance());
        log.info("Consuming topic {} for DAG {} (group {})", trigger.topic(), dagId, groupId(dagId));
        try {
            while (running) {
                try {
                    step();
                } catch (WakeupException e) {
                    // A batch's run finished, or the consumer is closing: the next step sees which.
                } catch (InterruptException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("Event-triggered DAG {}: {}; its records are taken again from the last committed"
                            + " offsets", dagId, e.toString());
                    dropHeld(Set.of());
                    sleep(Duration.ofSeconds(1));
                }
            }
        } finally {
            deadLetters.close();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void step() {
        Instant now = clock.instant();
        if (now.isAfter(pauseCheckedAt.plusSeconds(5))) {
            dagPaused = store.findDag(dagId).map(d -> d.paused()).orElse(true);
            pauseCheckedAt = now;
        }
        boolean full = queue.size() >= trigger.maxRecords();
        if (full || dagPaused) {
            consumer.pause(consumer.assignment());
        } else {
            consumer.resume(consumer.paused());
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(pollTime(now))) {
            queue.add(new Queued(record, clock.instant()));
        }
        if (inFlight != null) {
            progress(inFlight);
        }
        if (inFlight == null && !dagPaused && batchDue(clock.instant())) {
            inFlight = new InFlight(takeBatch());
            if (inFlight.batch.size() == 0) {
                inFlight.succeeded = true;
                commit(inFlight);
            } else {
                startRun(inFlight);
            }
        }
    }

    private Duration pollTime(Instant now) {
        if (inFlight != null || queue.isEmpty()) {
            return inFlight != null && inFlight.retryAt != null
                    ? clamp(Duration.between(now, inFlight.retryAt)) : IDLE_POLL;
        }
        return clamp(Duration.between(now, dueAt()));
    }

    private static Duration clamp(Duration wait) {
        return wait.isNegative() ? Duration.ZERO : wait.compareTo(IDLE_POLL) > 0 ? IDLE_POLL : wait;
    }

    private Instant dueAt() {
        Queued first = queue.peekFirst();
        // The producer's timestamp counts, so records that waited while a batch ran are not kept longer.
        Instant produced = Instant.ofEpochMilli(first.record().timestamp());
        Instant arrived = produced.isBefore(first.arrived()) ? produced : first.arrived();
        return arrived.plusMillis(trigger.maxWaitMillis());
    }

    private boolean batchDue(Instant now) {
        return !queue.isEmpty() && (queue.size() >= trigger.maxRecords() || !now.isBefore(dueAt()));
    }

    /** The first records of the queue, parsed; those that are not JSON are sent to the dead-letter topic. */
    private EventBatch takeBatch() {
        EventBatch batch = new EventBatch(trigger.topic());
        for (int i = 0; i < trigger.maxRecords() && !queue.isEmpty(); i++) {
            Queued queued = queue.pollFirst();
            ConsumerRecord<byte[], byte[]> record = queued.record();
            Optional<String> problem = Optional.empty();
            Object value = null;
            if (record.value() == null) {
                problem = Optional.of("the record has no value");
            } else {
                try {
                    value = JSON.readValue(record.value(), Object.class);
                } catch (JacksonException e) {
                    problem = Optional.of("the value is not JSON: " + e.getOriginalMessage());
                }
            }
            if (problem.isPresent()) {
                deadLetters.send(record, problem.get());
                batch.addDeadLetter(record.partition(), record.offset(), queued.arrived());
            } else {
                batch.add(record.partition(), record.offset(), describe(record, value), queued.arrived());
            }
        }
        return batch;
    }

    private static Map<String, Object> describe(ConsumerRecord<byte[], byte[]> record, Object value) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("topic", record.topic());
        described.put("partition", record.partition());
        described.put("offset", record.offset());
        described.put("timestamp", record.timestamp());
        described.put("key", record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
        described.put("value", value);
        described.put("headers", headers);
        return described;
    }

    private void startRun(InFlight batch) {
        Map<String, Object> conf = Map.of(EventRecords.PARAM, batch.batch.records());
        String note = batch.batch.size() + " records of " + batch.batch.key(batch.attempt);
        try {
            DagRunView run = runs.trigger(new RunRequest(dagId, conf, "event_triggered", null, note,
                    batch.batch.key(batch.attempt))).run();
            batch.runId = run.runId();
            awaitedRunId = run.runId();
            batch.retryAt = null;
            batch.nextCheck = clock.instant();
        } catch (DagPausedException e) {
            batch.retryAt = clock.instant().plusSeconds(5);
        }
    }

    private void progress(InFlight batch) {
        Instant now = clock.instant();
        if (batch.succeeded) {
            commit(batch);
            return;
        }
        if (batch.runId == null) {
            if (!now.isBefore(batch.retryAt)) {
                startRun(batch);
            }
            return;
        }
        // The notification usually wakes the consumer at once; the periodic look is for one missed.
        if (now.isBefore(batch.nextCheck) && !awaitedRunEnded) {
            return;
        }
        awaitedRunEnded = false;
        Optional<DagRunView> run = runs.find(dagId, batch.runId);
        batch.nextCheck = now.plus(RUN_CHECK);
        DagRunState state = run.map(DagRunView::state).orElse(DagRunState.FAILED);
        if (state == DagRunState.SUCCESS) {
            batch.succeeded = true;
            commit(batch);
        } else if (state.isFinished()) {
            Duration backoff = Duration.ofSeconds(1L << Math.min(batch.attempt - 1, 5));
            backoff = backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
            log.warn("Run {} of DAG {} ended {}; its {} records run again in {} s (attempt {})", batch.runId, dagId,
                    state.name().toLowerCase(), batch.batch.size(), backoff.toSeconds(), batch.attempt + 1);
            batch.attempt++;
            batch.runId = null;
            awaitedRunId = null;
            batch.retryAt = now.plus(backoff);
        }
    }

    private void commit(InFlight batch) {
        try {
            deadLetters.awaitSent();
            consumer.commitSync(batch.batch.offsetsToCommit(batch.runId == null ? "" : batch.runId),
                    Duration.ofSeconds(10));
        } catch (RetriableException | RebalanceInProgressException e) {
            // The broker is away or the group is rebalancing: the batch stays, and the next step commits it.
            log.info("Offsets of DAG {} not committed yet ({}); trying again", dagId, e.getMessage());
            return;
        } catch (CommitFailedException e) {
            log.info("DAG {} no longer owns the partitions of run {}; their new owner takes the records again",
                    dagId, batch.runId);
            inFlight = null;
            awaitedRunId = null;
            dropHeld(Set.of());
            return;
        }
        offsets.committed(dagId, batch.batch.committed(batch.runId, clock.instant()));
        inFlight = null;
        awaitedRunId = null;
    }

    /**
     * Forgets every record held and not committed, rewinding the partitions still owned to the first of
     * them, so that they are taken again in order.
     */
    private void dropHeld(Set<TopicPartition> revoked) {
        Map<TopicPartition, Long> first = new LinkedHashMap<>();
        if (inFlight != null) {
            first.putAll(inFlight.batch.firstOffsets());
        }
        for (Queued queued : queue) {
            first.merge(new TopicPartition(queued.record().topic(), queued.record().partition()),
                    queued.record().offset(), Math::min);
        }
        inFlight = null;
        awaitedRunId = null;
        queue.clear();
        Set<TopicPartition> owned = new HashSet<>(consumer.assignment());
        owned.removeAll(revoked);
        first.forEach((partition, offset) -> {
            if (owned.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            if (inFlight != null && inFlight.succeeded) {
                commit(inFlight);
            }
            boolean affected = inFlight != null && partitions.stream().anyMatch(p -> inFlight.batch.holds(p.partition()))
                    || queue.stream().anyMatch(q -> partitions.contains(
                            new TopicPartition(q.record().topic(), q.record().partition())));
            if (affected) {
                log.info("DAG {} gives up partitions {}; records held of them are left to their new owner", dagId,
                        partitions);
                dropHeld(new HashSet<>(partitions));
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                log.info("DAG {} now consumes {}", dagId, partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            dropHeld(new HashSet<>(partitions));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.gale.scheduler.kafka;

import dev.gale.sdk.spec.KafkaTriggerSpec;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Where an event-triggered DAG stands on its topic: per partition, the end, the committed offset and the lag. */
public final class EventTriggerStatus implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 5;

    /** One partition: {@code lag} records not yet in a successful run; {@code owner} is the consumer that holds it. */
    public record PartitionStatus(int partition, long endOffset, Long committedOffset, long lag, String owner,
                                  String lastRunId, long records, long deadLetters, Instant committedAt) {
    }

    public record TopicStatus(String dagId, String topic, String consumerGroup, String deadLetterTopic,
                              int maxRecords, long maxWaitMillis, boolean topicExists, long totalLag,
                              List<PartitionStatus> partitions) {
    }

    /** Kafka did not answer in time, or refused. */
    public static final class KafkaUnavailableException extends RuntimeException {
        KafkaUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Admin admin;
    private final EventOffsets offsets;
    private final String bootstrap;

    public EventTriggerStatus(KafkaSettings settings, EventOffsets offsets) {
        this.admin = Admin.create(settings.client(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000)));
        this.offsets = offsets;
        this.bootstrap = settings.bootstrapServers();
    }

    public TopicStatus status(String dagId, KafkaTriggerSpec trigger) {
        String group = TopicConsumer.groupId(dagId);
        Map<Integer, EventOffsets.PartitionOffset> gale = offsets.list(dagId).stream()
                .filter(o -> o.topic().equals(trigger.topic()))
                .collect(Collectors.toMap(EventOffsets.PartitionOffset::partition, Function.identity()));
        try {
            TopicDescription topic;
            try {
                topic = admin.describeTopics(List.of(trigger.topic())).allTopicNames()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(trigger.topic());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return new TopicStatus(dagId, trigger.topic(), group, trigger.deadLetterTopic(),
                            trigger.maxRecords(), trigger.maxWaitMillis(), false, 0, List.of());
                }
                throw e;
            }
            List<TopicPartition> partitions = topic.partitions().stream()
                    .map(p -> new TopicPartition(trigger.topic(), p.partition())).toList();
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                    partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            ConsumerGroupDescription members = admin.describeConsumerGroups(List.of(group)).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(group);
            List<PartitionStatus> statuses = partitions.stream().sorted(Comparator.comparingInt(TopicPartition::partition))
                    .map(p -> {
                        long end = ends.get(p).offset();
                        OffsetAndMetadata done = committed.get(p);
                        EventOffsets.PartitionOffset ours = gale.get(p.partition());
                        return new PartitionStatus(p.partition(), end, done == null ? null : done.offset(),
                                Math.max(0, end - (done == null ? 0 : done.offset())), owner(members, p),
                                ours == null ? null : ours.runId(), ours == null ? 0 : ours.records(),
                                ours == null ? 0 : ours.deadLetters(), ours == null ? null : ours.committedAt());
                    }).toList();
            return new TopicStatus(dagId, trigger.topic(), group, trigger.deadLetterTopic(), trigger.maxRecords(),
                    trigger.maxWaitMillis(), true, statuses.stream().mapToLong(PartitionStatus::lag).sum(), statuses);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaUnavailableException("Kafka at " + bootstrap + " did not answer about topic '"
                    + trigger.topic() + "': " + (e.getCause() == null ? e : e.getCause()).getMessage()
                    + "; check that the broker is up and GALE_KAFKA_BOOTSTRAP points at it", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while asking Kafka", e);
        }
    }

    private static String owner(ConsumerGroupDescription group, TopicPartition partition) {
        if (group == null) {
            return null;
        }
        return group.members().stream().filter(m -> m.assignment().topicPartitions().contains(partition))
                .map(MemberDescription::clientId).findFirst().orElse(null);
    }

    @Override
    public void close() {
        admin.close();
    }
}

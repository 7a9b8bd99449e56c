package dev.gale.sdk;

import dev.gale.sdk.spec.KafkaTriggerSpec;
import java.time.Duration;
import java.util.Objects;

/**
 * The Kafka topic a DAG is scheduled on, and how its records are cut into runs. A run's params hold
 * its batch under {@value EventRecords#PARAM}; read it with {@link EventRecords#of(TaskContext)}.
 */
public final class KafkaTrigger {
    private final String topic;
    private int maxRecords = 500;
    private Duration maxWait = Duration.ofSeconds(1);
    private String deadLetterTopic;

    KafkaTrigger(String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    /** At most this many records per run; 500 by default. */
    public KafkaTrigger maxRecords(int count) {
        this.maxRecords = count;
        return this;
    }

    /** A batch starts its run at the latest this long after its first record arrived; 1 s by default. */
    public KafkaTrigger maxWait(Duration wait) {
        this.maxWait = Objects.requireNonNull(wait, "maxWait");
        return this;
    }

    /** Where records whose value is not JSON go; {@code <topic>.dead-letter} by default. */
    public KafkaTrigger deadLetterTopic(String name) {
        this.deadLetterTopic = Objects.requireNonNull(name, "deadLetterTopic");
        return this;
    }

    String topic() {
        return topic;
    }

    KafkaTriggerSpec toSpec(String dagId) {
        if (!topic.matches("[A-Za-z0-9._-]{1,249}")) {
            throw new DagDefinitionException(dagId, "Kafka topic '" + topic + "' is not a valid topic name: use 1 to"
                    + " 249 letters, digits, '.', '_' or '-'");
        }
        if (maxRecords < 1 || maxRecords > 100_000) {
            throw new DagDefinitionException(dagId, "Kafka trigger maxRecords must be between 1 and 100000, got "
                    + maxRecords);
        }
        if (maxWait.isNegative() || maxWait.isZero() || maxWait.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new DagDefinitionException(dagId, "Kafka trigger maxWait must be more than 0 and at most 5 minutes,"
                    + " got " + maxWait);
        }
        String deadLetter = deadLetterTopic == null ? topic + ".dead-letter" : deadLetterTopic;
        if (deadLetter.equals(topic)) {
            throw new DagDefinitionException(dagId, "the dead-letter topic of Kafka trigger '" + topic
                    + "' must be another topic");
        }
        return new KafkaTriggerSpec(topic, maxRecords, maxWait.toMillis(), deadLetter);
    }
}

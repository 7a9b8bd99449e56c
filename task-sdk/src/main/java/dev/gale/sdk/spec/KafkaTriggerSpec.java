package dev.gale.sdk.spec;

/**
 * A DAG scheduled on a Kafka topic: each micro-batch of at most {@code maxRecords} records, or what
 * arrived within {@code maxWaitMillis} of the batch's first record, becomes one run. Records whose
 * value is not JSON go to {@code deadLetterTopic}.
 */
public record KafkaTriggerSpec(String topic, int maxRecords, long maxWaitMillis, String deadLetterTopic) {
}

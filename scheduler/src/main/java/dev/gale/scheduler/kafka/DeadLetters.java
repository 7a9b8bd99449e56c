package dev.gale.scheduler.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter topic of one event-triggered DAG: a record that cannot be read goes there as it came,
 * with the reason in the header {@value #REASON_HEADER} and where it came from in {@code gale.source}.
 */
final class DeadLetters implements AutoCloseable {
    static final String REASON_HEADER = "gale.dead-letter.reason";
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final String dagId;
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    /** Sent and not yet known to have arrived: a commit waits for them. */
    private final List<Future<RecordMetadata>> inFlight = new ArrayList<>();

    DeadLetters(String dagId, String topic, KafkaSettings settings) {
        this.dagId = dagId;
        this.topic = topic;
        this.producer = new KafkaProducer<>(settings.client(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)), new ByteArraySerializer(), new ByteArraySerializer());
    }

    void send(ConsumerRecord<byte[], byte[]> record, String reason) {
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(topic, null, record.timestamp(), record.key(),
                record.value(), record.headers());
        letter.headers().add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        letter.headers().add("gale.source", (record.topic() + "-" + record.partition() + "@" + record.offset())
                .getBytes(StandardCharsets.UTF_8));
        letter.headers().add("gale.dag", dagId.getBytes(StandardCharsets.UTF_8));
        inFlight.add(producer.send(letter));
        log.warn("Record {}-{}@{} of DAG {} sent to {}: {}", record.topic(), record.partition(), record.offset(),
                dagId, topic, reason);
    }

    /** Waits for the letters sent; one that did not arrive fails, so that its records are taken again. */
    void awaitSent() {
        producer.flush();
        try {
            for (Future<RecordMetadata> letter : inFlight) {
                letter.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a record could not be sent to dead-letter topic " + topic + ": "
                    + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } finally {
            inFlight.clear();
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}

package dev.gale.api.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces synthetic support events to a topic at a steady rate, creating the topic when it is
 * missing. Used by {@code gale demo support-events} and by the stream benchmark.
 */
public final class EventProducer implements AutoCloseable {
    private final String topic;
    private final KafkaProducer<String, String> producer;

    public EventProducer(String bootstrap, Map<String, String> clientProperties, String topic, int partitions) {
        this.topic = topic;
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        createTopic(props, topic, partitions);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static void createTopic(Properties props, String topic, int partitions) {
        Admin admin = Admin.create(props);
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic + " at " + props.get("bootstrap.servers")
                        + ": " + e.getCause().getMessage(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + props.get("bootstrap.servers") + " did not answer within 15 s;"
                    + " start it (gale standalone --kafka) or point GALE_KAFKA_BOOTSTRAP at it", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            // Not the default close, which waits a minute for calls to a broker that is not there.
            admin.close(Duration.ofSeconds(1));
        }
    }

    /**
     * Produces {@code count} events at {@code perSecond}, telling {@code sent} each event and when it was
     * produced; returns once every event is acknowledged.
     */
    public void produce(SupportEvents events, int count, double perSecond, BiConsumer<SupportEvents.Event, Instant> sent)
            throws InterruptedException {
        long start = System.nanoTime();
        long interval = (long) (1_000_000_000L / perSecond);
        for (int i = 0; i < count; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait));
            }
            Instant now = Instant.now();
            SupportEvents.Event event = events.next(now);
            producer.send(new ProducerRecord<>(topic, event.key(), event.json()));
            sent.accept(event, now);
        }
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}

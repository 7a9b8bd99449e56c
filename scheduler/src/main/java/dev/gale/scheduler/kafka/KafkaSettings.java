package dev.gale.scheduler.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How Gale reaches Kafka: the bootstrap servers and any further client settings passed through as
 * they are (e.g. {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config},
 * {@code ssl.truststore.location}), applied to every consumer, producer and admin client.
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> clientProperties) {
    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers are not set: set GALE_KAFKA_BOOTSTRAP"
                    + " (gale.kafka.bootstrap), e.g. localhost:9092");
        }
        clientProperties = Map.copyOf(new LinkedHashMap<>(clientProperties));
    }

    /** The client settings with {@code extra} on top of the passed-through ones. */
    public Properties client(Map<String, Object> extra) {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.putAll(extra);
        return properties;
    }
}

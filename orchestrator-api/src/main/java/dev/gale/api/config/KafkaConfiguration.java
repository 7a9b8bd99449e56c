package dev.gale.api.config;

import dev.gale.scheduler.kafka.EventIngestion;
import dev.gale.scheduler.kafka.EventOffsets;
import dev.gale.scheduler.kafka.EventTriggerStatus;
import dev.gale.scheduler.kafka.KafkaSettings;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.SchedulerStore;
import dev.gale.scheduler.store.JooqEventOffsets;
import dev.gale.scheduler.store.JooqSchedulerStore;
import dev.gale.scheduler.store.PgNotifications;
import dev.gale.sdk.runtime.DagRegistry;
import java.time.Clock;
import java.util.Map;
import org.jooq.DSLContext;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Event-triggered DAGs, wired when {@code gale.kafka.bootstrap} ({@code GALE_KAFKA_BOOTSTRAP}) is set:
 * the consumers in the scheduler, the offsets' bookkeeping and the lag that REST shows. Every
 * {@code gale.kafka.client.*} setting ({@code GALE_KAFKA_CLIENT_SASL_MECHANISM=PLAIN} and the like) is
 * passed to the Kafka clients as it is, for SASL and TLS.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "gale.kafka.bootstrap")
public class KafkaConfiguration {

    @Bean
    KafkaSettings kafkaSettings(Environment environment) {
        Map<String, String> client = Binder.get(environment)
                .bind("gale.kafka.client", Bindable.mapOf(String.class, String.class)).orElse(Map.of());
        return new KafkaSettings(environment.getRequiredProperty("gale.kafka.bootstrap"), client);
    }

    @Bean
    EventOffsets eventOffsets(DSLContext dsl) {
        return new JooqEventOffsets(dsl);
    }

    @Bean(destroyMethod = "close")
    EventTriggerStatus eventTriggerStatus(KafkaSettings settings, EventOffsets offsets) {
        return new EventTriggerStatus(settings, offsets);
    }

    // dagService is a parameter so that the DAGs are stored before their first batch asks for a run.
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gale.scheduler.enabled", matchIfMissing = true)
    EventIngestion eventIngestion(DagRegistry dags, DagService dagService, KafkaSettings settings, RunService runs,
                                  SchedulerStore store, EventOffsets offsets, PgNotifications notifications,
                                  Clock clock) {
        return EventIngestion.start(dags.dags().stream().map(dev.gale.sdk.Dag::spec).toList(), settings, runs, store,
                offsets, notifications, JooqSchedulerStore.RUN_FINISHED_CHANNEL, clock);
    }
}

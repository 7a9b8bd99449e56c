package dev.gale.api.config;

import dev.gale.api.metrics.LlmMeters;
import dev.gale.api.metrics.MetricsCardinality;
import dev.gale.api.metrics.MicrometerSchedulerMetrics;
import dev.gale.api.metrics.WorkerGauges;
import dev.gale.llm.LlmCatalog;
import dev.gale.scheduler.service.SchedulerMetrics;
import dev.gale.scheduler.service.WorkerDirectory;
import dev.gale.sdk.runtime.metrics.MetricsEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The meters operators scrape: what the scheduler and the TEI did (through the engine's {@link SchedulerMetrics}
 * port), the connected workers, the LLM calls; and, for {@code gale scheduler}, which serves no HTTP, a small
 * endpoint of its own.
 */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    @Bean
    SchedulerMetrics schedulerMetrics(MeterRegistry registry) {
        return new MicrometerSchedulerMetrics(registry);
    }

    @Bean
    LlmMeters llmMeters(MeterRegistry registry, LlmCatalog catalog) {
        return new LlmMeters(registry, catalog);
    }

    @Bean(destroyMethod = "close")
    WorkerGauges workerGauges(WorkerDirectory workers, MeterRegistry registry) {
        return new WorkerGauges(workers, registry);
    }

    /** Spring Boot applies MeterFilter beans to every registry before a meter is created. */
    @Bean
    MeterFilter taskIdLimit() {
        return MetricsCardinality.taskIds();
    }

    @Bean
    MeterFilter taskDagIdLimit() {
        return MetricsCardinality.dagIds("gale.task");
    }

    @Bean
    MeterFilter runDagIdLimit() {
        return MetricsCardinality.dagIds("gale.runs");
    }

    @Bean
    MeterFilter llmModelLimit() {
        return MetricsCardinality.models("gale.llm");
    }

    @Bean
    MeterFilter embeddingModelLimit() {
        return MetricsCardinality.models("gale.embedded");
    }

    /**
     * {@code /metrics} on {@code gale.metrics.port} for a process without a web server ({@code gale scheduler}
     * sets it from {@code GALE_METRICS_PORT}); the same scrape as {@code /actuator/prometheus}.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "gale.metrics.port")
    MetricsEndpoint schedulerMetricsEndpoint(PrometheusMeterRegistry registry,
                                             org.springframework.core.env.Environment env) {
        try {
            return MetricsEndpoint.start(env.getProperty("gale.metrics.bind", "0.0.0.0"),
                    env.getRequiredProperty("gale.metrics.port", Integer.class), registry);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on port " + env.getProperty("gale.metrics.port"), e);
        }
    }
}

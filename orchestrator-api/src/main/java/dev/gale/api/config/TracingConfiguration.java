package dev.gale.api.config;

import dev.gale.scheduler.service.RunTracing;
import dev.gale.sdk.runtime.tracing.TraceExportDefaults;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The OpenTelemetry SDK of the server and of {@code gale scheduler}, set up by the SDK's own autoconfiguration
 * from the standard {@code OTEL_*} settings, with no exporter unless an OTLP endpoint is configured
 * ({@link TraceExportDefaults}). Tests give the context an SDK of their own instead.
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfiguration {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(OpenTelemetry.class)
    OpenTelemetrySdk openTelemetry(Environment environment) {
        String serviceName = environment.getProperty("gale.tracing.service-name", "gale-server");
        return AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> TraceExportDefaults.forProcess(serviceName))
                .disableShutdownHook()
                .build().getOpenTelemetrySdk();
    }

    @Bean
    RunTracing runTracing(OpenTelemetry openTelemetry) {
        return new RunTracing(openTelemetry);
    }
}

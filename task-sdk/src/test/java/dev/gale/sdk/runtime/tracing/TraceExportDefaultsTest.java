package dev.gale.sdk.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceExportDefaultsTest {
    @Test
    void nothingIsExportedUntilAnOtlpEndpointIsConfigured() {
        assertThat(TraceExportDefaults.of("gale-worker", Map.<String, String>of()::get))
                .containsEntry("otel.traces.exporter", "none")
                .containsEntry("otel.metrics.exporter", "none")
                .containsEntry("otel.logs.exporter", "none")
                .containsEntry("otel.service.name", "gale-worker");
    }

    @Test
    void anOtlpEndpointTurnsOnTheOtlpTraceExporterOnly() {
        assertThat(TraceExportDefaults.of("gale-server",
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")::get))
                .containsEntry("otel.traces.exporter", "otlp")
                .containsEntry("otel.exporter.otlp.protocol", "http/protobuf")
                .containsEntry("otel.metrics.exporter", "none");
        assertThat(TraceExportDefaults.of("gale-server",
                Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces")::get))
                .containsEntry("otel.traces.exporter", "otlp");
        assertThat(TraceExportDefaults.of("gale-server", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " ")::get))
                .containsEntry("otel.traces.exporter", "none");
    }
}

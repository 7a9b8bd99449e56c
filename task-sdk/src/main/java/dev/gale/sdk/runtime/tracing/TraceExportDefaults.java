package dev.gale.sdk.runtime.tracing;

import java.util.Map;
import java.util.function.Function;

/**
 * The defaults a Gale process gives the OpenTelemetry SDK's autoconfiguration (which reads the standard
 * {@code OTEL_*} environment variables and {@code otel.*} system properties, and lets them override these):
 * no exporter unless an OTLP endpoint is configured, and then OTLP over HTTP for traces only (Gale's metrics are
 * Prometheus scrapes, its logs are lines on stdout). Kept free of SDK types: only the processes' composition
 * roots have the SDK.
 */
public final class TraceExportDefaults {
    private TraceExportDefaults() {
    }

    /** For {@code AutoConfiguredOpenTelemetrySdk.builder().addPropertiesSupplier(...)}, reading this process's settings. */
    public static Map<String, String> forProcess(String serviceName) {
        return of(serviceName, name -> {
            String property = System.getProperty(name.toLowerCase().replace('_', '.'));
            return property != null ? property : System.getenv(name);
        });
    }

    /** As above, with the settings {@code setting} gives by environment variable name (null when unset). */
    static Map<String, String> of(String serviceName, Function<String, String> setting) {
        boolean endpoint = isSet(setting.apply("OTEL_EXPORTER_OTLP_ENDPOINT"))
                || isSet(setting.apply("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
        return Map.of("otel.service.name", serviceName,
                "otel.traces.exporter", endpoint ? "otlp" : "none",
                // The Java SDK's default is gRPC; the processes ship the HTTP sender only (the JDK's HTTP client).
                "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none");
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}

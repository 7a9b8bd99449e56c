package dev.gale.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;

/** The server's SDK as a deployment configures it: OTLP over HTTP to the endpoint it is given, nothing without one. */
class TraceExportTest {
    @Test
    void anOtlpEndpointSendsTheServersSpansThereOverHttp() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + exchange.getRequestBody().readAllBytes().length);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        // The SDK reads otel.* system properties as it reads OTEL_* environment variables.
        System.setProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + collector.getAddress().getPort());
        try (OpenTelemetrySdk sdk = new TracingConfiguration().openTelemetry(new StandardEnvironment())) {
            assertThat(sdk.getSdkTracerProvider().toString()).contains("OtlpHttpSpanExporter");
            sdk.getTracer("test").spanBuilder("create run").startSpan().end();
            sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);

            assertThat(received).hasSize(1);
            assertThat(received.getFirst()).startsWith("POST /v1/traces application/x-protobuf ");
            assertThat(Integer.parseInt(received.getFirst().substring(received.getFirst().lastIndexOf(' ') + 1)))
                    .isPositive();
        } finally {
            System.clearProperty("otel.exporter.otlp.endpoint");
            collector.stop(0);
        }
    }

    @Test
    void withoutAnEndpointNothingIsTracedSoNoContextIsStoredOrSent() {
        try (OpenTelemetrySdk sdk = new TracingConfiguration().openTelemetry(new StandardEnvironment())) {
            assertThat(sdk.getSdkTracerProvider().toString()).doesNotContain("OtlpHttpSpanExporter");
            assertThat(sdk.getTracer("test").spanBuilder("create run").startSpan().getSpanContext().isValid()).isFalse();
        }
    }
}

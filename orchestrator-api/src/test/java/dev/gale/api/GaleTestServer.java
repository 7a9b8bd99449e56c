package dev.gale.api;

import dev.gale.api.grpc.v1.GrpcServer;
import dev.gale.sdk.runtime.DagRegistry;
import dev.gale.sdk.runtime.Worker;
import dev.gale.sdk.runtime.WorkerOptions;
import dev.gale.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real API server (HTTP and gRPC on free ports) on a fresh database of the test PostgreSQL,
 * with one worker connected over gRPC, and a small HTTP client for the tests.
 */
final class GaleTestServer implements AutoCloseable {
    final TestPostgres.Database database;
    final ConfigurableApplicationContext context;
    final Worker worker;
    private final HttpClient http = HttpClient.newHttpClient();

    GaleTestServer(Map<String, String> extraProperties) {
        this(extraProperties, true);
    }

    /** Without {@code withWorker}, tests connect their own workers (e.g. worker processes) to {@link #grpcPort()}. */
    GaleTestServer(Map<String, String> extraProperties, boolean withWorker) {
        database = TestPostgres.newDatabase();
        Map<String, Object> properties = new HashMap<>(extraProperties);
        properties.put("server.port", 0);
        properties.put("gale.grpc.port", 0);
        properties.put("gale.db.url", database.jdbcUrl());
        properties.put("gale.db.user", database.user());
        properties.put("gale.db.password", database.password());
        // server.port as an argument: application.properties outranks the builder's default properties.
        context = new SpringApplicationBuilder(GaleServerApplication.class).properties(properties)
                .run("--server.port=0");
        worker = withWorker ? new Worker(WorkerOptions.builder("localhost:" + grpcPort())
                .workerId("test-worker").slots(4).build(), context.getBean(DagRegistry.class)).start() : null;
    }

    int grpcPort() {
        return context.getBean(GrpcServer.class).port();
    }

    int httpPort() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String jsonBody) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + httpPort() + path);
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
        context.close();
    }
}

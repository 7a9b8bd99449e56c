package dev.gale.api;

import dev.gale.api.grpc.v1.GrpcServer;
import dev.gale.api.security.ApiTokens;
import dev.gale.api.security.Role;
import dev.gale.sdk.runtime.DagRegistry;
import dev.gale.sdk.runtime.Worker;
import dev.gale.sdk.runtime.WorkerOptions;
import dev.gale.testing.TestPostgres;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real API server (HTTP and gRPC on free ports) on a fresh database of the test PostgreSQL,
 * with one worker connected over gRPC, and a small HTTP client for the tests. Either started at once
 * by the constructor, or shared by the tests of a class through {@link #perClass}.
 */
final class GaleTestServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    private final Map<String, String> extraProperties;
    private final boolean withWorker;
    /** The SDK of the server and its worker, in place of the one the server sets up from OTEL_*; null for that one. */
    private OpenTelemetry openTelemetry;
    private final HttpClient http = HttpClient.newHttpClient();
    TestPostgres.Database database;
    ConfigurableApplicationContext context;
    Worker worker;
    /** An admin token, sent by {@link #get} and {@link #post}. */
    String adminToken;

    GaleTestServer(Map<String, String> extraProperties) {
        this(extraProperties, true);
    }

    /** Without {@code withWorker}, tests connect their own workers (e.g. worker processes) to {@link #grpcPort()}. */
    GaleTestServer(Map<String, String> extraProperties, boolean withWorker) {
        this(extraProperties, withWorker, true);
    }

    private GaleTestServer(Map<String, String> extraProperties, boolean withWorker, boolean startNow) {
        this.extraProperties = extraProperties;
        this.withWorker = withWorker;
        if (startNow) {
            start();
        }
    }

    /**
     * One server with a worker for all the tests of a class, started before them and closed after them:
     * {@code @RegisterExtension static final GaleTestServer gale = GaleTestServer.perClass(Map.of(...));}
     */
    static GaleTestServer perClass(Map<String, String> extraProperties) {
        return perClass(extraProperties, true);
    }

    /** As {@link #perClass(Map)}; without {@code withWorker}, the tests connect their own workers. */
    static GaleTestServer perClass(Map<String, String> extraProperties, boolean withWorker) {
        return new GaleTestServer(extraProperties, withWorker, false);
    }

    /** A server on a database of the caller's, e.g. an {@link ExternalPostgres} the test restarts. */
    static GaleTestServer on(TestPostgres.Database database, Map<String, String> extraProperties, boolean withWorker) {
        GaleTestServer server = new GaleTestServer(extraProperties, withWorker, false);
        server.database = database;
        server.start();
        return server;
    }

    /** Another API replica on the database of {@code first}, as a second process behind a load balancer would be. */
    static GaleTestServer replicaOf(GaleTestServer first, Map<String, String> extraProperties, boolean withWorker) {
        GaleTestServer replica = new GaleTestServer(extraProperties, withWorker, false);
        replica.database = first.database;
        replica.adminToken = first.adminToken;
        replica.start();
        return replica;
    }

    /**
     * A server with a worker whose spans go to {@code serverSdk} and {@code workerSdk}: two SDKs, as in two
     * processes, so that the spans share a trace only through what crosses the wire.
     */
    static GaleTestServer traced(Map<String, String> extraProperties, OpenTelemetry serverSdk, OpenTelemetry workerSdk) {
        GaleTestServer server = new GaleTestServer(extraProperties, false, false);
        server.openTelemetry = serverSdk;
        server.start();
        server.worker = new Worker(WorkerOptions.builder("localhost:" + server.grpcPort()).workerId("traced-worker")
                .slots(2).openTelemetry(workerSdk).build(), server.context.getBean(DagRegistry.class)).start();
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext extension) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext extension) {
        close();
    }

    private void start() {
        if (database == null) {
            database = TestPostgres.newDatabase();
        }
        Map<String, Object> properties = new HashMap<>(extraProperties);
        properties.put("gale.grpc.port", 0);
        properties.put("gale.db.url", database.jdbcUrl());
        properties.put("gale.db.user", database.user());
        properties.put("gale.db.password", database.password());
        // A free port; as an argument it outranks the 8080 default of application.properties.
        SpringApplicationBuilder application = new SpringApplicationBuilder(GaleServerApplication.class)
                .properties(properties);
        if (openTelemetry != null) {
            application.initializers(c -> c.getBeanFactory().registerSingleton("openTelemetry", openTelemetry));
        }
        context = application.run("--server.port=0");
        if (adminToken == null) {
            adminToken = context.getBean(ApiTokens.class).create("test-admin", Role.ADMIN).token();
        }
        worker = withWorker ? new Worker(WorkerOptions.builder("localhost:" + grpcPort())
                .workerId("test-worker").slots(4).build(), context.getBean(DagRegistry.class)).start() : null;
    }

    int grpcPort() {
        return context.getBean(GrpcServer.class).port();
    }

    int httpPort() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    String baseUrl() {
        return "http://localhost:" + httpPort();
    }

    /** A token with {@code role}, for tests of what each role may do. */
    String token(String name, Role role) {
        return context.getBean(ApiTokens.class).create(name, role).token();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path, adminToken).GET().build());
    }

    HttpResponse<String> post(String path, String jsonBody) throws IOException, InterruptedException {
        return post(path, jsonBody, adminToken);
    }

    HttpResponse<String> post(String path, String jsonBody, String token) throws IOException, InterruptedException {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody)).build());
    }

    /** A request to {@code path} carrying {@code token} (none when null). */
    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path));
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
        context.close();
    }
}

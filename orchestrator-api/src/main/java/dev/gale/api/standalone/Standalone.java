package dev.gale.api.standalone;

import dev.gale.api.GaleServerApplication;
import dev.gale.api.grpc.v1.GrpcServer;
import dev.gale.api.grpc.v1.TeiTls;
import dev.gale.api.security.ApiTokens;
import dev.gale.scheduler.service.Connection;
import dev.gale.scheduler.service.Connections;
import dev.gale.sdk.runtime.DagRegistry;
import dev.gale.sdk.runtime.Worker;
import dev.gale.sdk.runtime.WorkerOptions;
import dev.gale.worker.gpu.GpuInventory;
import dev.gale.worker.gpu.GpuSlots;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Everything in one JVM: an embedded PostgreSQL whose data lives in {@code $GALE_HOME/postgres},
 * the API server (REST and gRPC), the scheduler, and one CPU worker connected over real gRPC; with a
 * declared GPU inventory, also a GPU worker (for trying GPU routing on a machine without a GPU).
 */
public final class Standalone implements AutoCloseable {
    private final GaleHome home;
    private final EmbeddedPostgres postgres;
    private final ConfigurableApplicationContext context;
    private final List<Worker> workers;
    private final String createdAdminToken;

    private Standalone(GaleHome home, EmbeddedPostgres postgres, ConfigurableApplicationContext context,
                       List<Worker> workers, String createdAdminToken) {
        this.home = home;
        this.postgres = postgres;
        this.context = context;
        this.workers = workers;
        this.createdAdminToken = createdAdminToken;
    }

    /**
     * What to start. Ports of 0 pick free ones (for tests). {@code gpuInventory} (e.g. {@code 1x24576})
     * adds a GPU worker with that declared inventory; null or blank for none.
     */
    public record Options(Path home, int httpPort, int grpcPort, int workerSlots, Map<String, String> properties,
                          String gpuInventory) {
    }

    public static Standalone start(Options options) {
        GaleHome home = GaleHome.acquire(options.home());
        EmbeddedPostgres postgres = null;
        ConfigurableApplicationContext context = null;
        try {
            Preflight.requireFreePort(options.httpPort(), "GALE_HTTP_PORT");
            Preflight.requireFreePort(options.grpcPort(), "GALE_GRPC_PORT");
            LeftoverPostgres.stop(home.dir().resolve("postgres"), Duration.ofSeconds(60));
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(home.dir().resolve("postgres"))
                    .setCleanDataDirectory(false)
                    // The library's defaults suit throwaway test databases; a user's runs must survive a crash.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    // Stopped by close(), after the server that uses it.
                    .setRegisterShutdownHook(false)
                    .start();
            Map<String, Object> properties = new HashMap<>(options.properties());
            properties.put("gale.grpc.port", options.grpcPort());
            properties.put("gale.db.url", postgres.getJdbcUrl("postgres", "postgres"));
            properties.put("gale.db.user", "postgres");
            properties.put("gale.db.password", "");
            // Secrets at rest are sealed with a key kept beside the data, unless GALE_SECRETS_KEY is set.
            properties.put("gale.secrets.key-file", home.dir().resolve("secrets-key").toString());
            // Standalone closes the context itself, before stopping PostgreSQL, so Spring's own hook must not race it.
            // As an argument, the port outranks application.properties' GALE_HTTP_PORT default; a default property would not.
            context = new SpringApplicationBuilder(GaleServerApplication.class).properties(properties)
                    .registerShutdownHook(false).run("--server.port=" + options.httpPort());
            if (TeiTls.from(context.getEnvironment()).isPresent()) {
                // Its workers run in this process over loopback: TLS would only stop them connecting.
                throw new StandaloneException("GALE_GRPC_TLS_CERT and GALE_GRPC_TLS_KEY are for `gale server` with"
                        + " workers on other hosts; unset them for `gale standalone`");
            }
            defaultWarehouse(context.getBean(Connections.class), postgres.getPort());
            String adminToken = AdminTokenFile.ensure(home.dir(), context.getBean(ApiTokens.class)).orElse(null);
            int grpcPort = context.getBean(GrpcServer.class).port();
            List<Worker> workers = new ArrayList<>();
            workers.add(new Worker(WorkerOptions.builder("localhost:" + grpcPort)
                    .workerId("standalone-worker@" + hostName())
                    .slots(options.workerSlots())
                    .build(), context.getBean(DagRegistry.class)).start());
            if (options.gpuInventory() != null && !options.gpuInventory().isBlank()) {
                workers.add(gpuWorker(GpuInventory.declared(options.gpuInventory()), grpcPort,
                        context.getBean(DagRegistry.class)));
            }
            return new Standalone(home, postgres, context, List.copyOf(workers), adminToken);
        } catch (RuntimeException | IOException e) {
            if (context != null) {
                context.close();
            }
            closeQuietly(postgres);
            home.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL: " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * The example SQL assistant's {@code warehouse}: this embedded PostgreSQL, whose port changes at every start, so
     * it is written again each time; a warehouse the user defined (stored or GALE_CONN_WAREHOUSE) is left alone.
     */
    private static void defaultWarehouse(Connections connections, int port) {
        Optional<Connection> existing = connections.connection("warehouse");
        if (existing.isEmpty() || STANDALONE_WAREHOUSE.equals(existing.get().extraJson())) {
            connections.putConnection(new Connection("warehouse", "postgres", "localhost", port, "postgres", null,
                    "postgres", STANDALONE_WAREHOUSE));
        }
    }

    private static final String STANDALONE_WAREHOUSE = "{\"description\": \"the embedded PostgreSQL of gale"
            + " standalone, set at every start\"}";

    private static Worker gpuWorker(GpuInventory gpus, int grpcPort, DagRegistry dags) {
        System.out.println("Standalone GPU worker: GPU inventory is DECLARED, not discovered: " + gpus.describe());
        return new Worker(WorkerOptions.builder("localhost:" + grpcPort)
                .workerId("standalone-gpu-worker@" + hostName())
                .slots(gpus.gpus().size())
                .gpus(gpus.gpus().size(), gpus.model(), gpus.memoryMbEach(), new GpuSlots(gpus))
                .build(), dags).start();
    }

    public int httpPort() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    public int grpcPort() {
        return context.getBean(GrpcServer.class).port();
    }

    /** The embedded PostgreSQL's own database, as superuser: what a benchmark measures Gale against. */
    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    public Path home() {
        return home.dir();
    }

    /** The admin token this start created (the first start on a home), to be shown once; empty otherwise. */
    public Optional<String> createdAdminToken() {
        return Optional.ofNullable(createdAdminToken);
    }

    public DagRegistry dags() {
        return context.getBean(DagRegistry.class);
    }

    @Override
    public void close() {
        workers.forEach(Worker::close);
        context.close();
        closeQuietly(postgres);
        home.close();
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException ignored) {
            // PostgreSQL recovers from an unclean stop at its next start
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }
}

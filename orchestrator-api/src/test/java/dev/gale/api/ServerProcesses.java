package dev.gale.api;

import dev.gale.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code gale server} and {@code gale scheduler} as their own OS processes, from the executable jar the
 * reactor packaged ({@code orchestrator-api/target/gale-server.jar}), configured through their environment
 * as a deployment would be. Each process's output goes to {@code <name>.log} in the test directory.
 */
final class ServerProcesses implements AutoCloseable {
    /** The admin token every server process is bootstrapped with. */
    static final String ADMIN_TOKEN = "gale-admin-token-for-process-tests";

    private final Path dir;
    private final Path bundle;
    private final TestPostgres.Database database;
    private final List<Process> started = new ArrayList<>();

    ServerProcesses(Path dir, Path bundle, TestPostgres.Database database) {
        this.dir = dir;
        this.bundle = bundle;
        this.database = database;
    }

    /** The environment that points a process at the database and the test DAGs. */
    Map<String, String> databaseEnvironment() {
        return Map.of("GALE_DB_URL", database.jdbcUrl(), "GALE_DB_USER", database.user(),
                "GALE_DB_PASSWORD", database.password(), "GALE_DAGS", bundle.toString(),
                "GALE_API_ADMIN_TOKEN", ADMIN_TOKEN);
    }

    /** {@code gale server} without the scheduler (run one with {@link #scheduler}), on the given ports. */
    Process server(String name, int httpPort, int grpcPort, Map<String, String> extraEnvironment) {
        Map<String, String> environment = new HashMap<>(databaseEnvironment());
        environment.put("GALE_HTTP_PORT", Integer.toString(httpPort));
        environment.put("GALE_GRPC_PORT", Integer.toString(grpcPort));
        environment.put("GALE_SCHEDULER_ENABLED", "false");
        environment.putAll(extraEnvironment);
        return start(name, environment, "server");
    }

    Process scheduler(String name, Map<String, String> extraEnvironment) {
        Map<String, String> environment = new HashMap<>(databaseEnvironment());
        // Each scheduler serves /metrics; on one machine two on the default port would collide.
        environment.put("GALE_METRICS_PORT", String.valueOf(freePort()));
        environment.putAll(extraEnvironment);
        return start(name, environment, "scheduler");
    }

    /** {@code gale <args>} with exactly this environment added to the test JVM's (minus any GALE_ setting). */
    Process start(String name, Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", serverJar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(name).toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("GALE_"));
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            started.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start gale " + String.join(" ", args), e);
        }
    }

    static Path serverJar() {
        return WorkerProcesses.packagedJar("orchestrator-api", "gale-server.jar");
    }

    Path log(String name) {
        return dir.resolve(name + ".log");
    }

    String output(String name) throws IOException {
        return Files.exists(log(name)) ? Files.readString(log(name)) : "";
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        started.forEach(Process::destroyForcibly);
    }
}

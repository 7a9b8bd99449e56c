package dev.gale.api;

import dev.gale.api.demo.DemoCommand;
import dev.gale.api.standalone.EmbeddedKafka;
import dev.gale.api.standalone.Preflight;
import dev.gale.api.standalone.Standalone;
import dev.gale.api.standalone.StandaloneException;
import dev.gale.cli.CliException;
import dev.gale.cli.DagsCommand;
import dev.gale.cli.RagCommand;
import dev.gale.cli.RunsCommand;
import dev.gale.cli.TasksCommand;
import dev.gale.sdk.runtime.cli.StopSignals;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code gale} command of the server jar: {@code standalone}, {@code server} and {@code scheduler}
 * run Gale; {@code dags}, {@code runs}, {@code tasks} and {@code rag} are clients of its REST API.
 */
@Command(name = "gale", mixinStandardHelpOptions = true, version = "Gale 0.1.0",
        description = "An Airflow-style workflow orchestrator for the JVM, built for Gen AI pipelines.",
        subcommands = {GaleCommand.StandaloneCommand.class, GaleCommand.ServerCommand.class,
                GaleCommand.SchedulerCommand.class, DagsCommand.class, RunsCommand.class,
                TasksCommand.class, RagCommand.class, DemoCommand.class})
public final class GaleCommand implements Runnable {

    public static void main(String[] args) {
        String logFormat = dev.gale.sdk.runtime.cli.WorkerOptionsMixin.logFormatProblem();
        if (logFormat != null) {
            System.err.println("gale: " + logFormat);
            System.exit(2);
        }
        CommandLine cli = new CommandLine(new GaleCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof StandaloneException || e instanceof CliException) {
                commandLine.getErr().println("gale: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "standalone", mixinStandardHelpOptions = true,
            description = "Run everything in one JVM on an embedded PostgreSQL, with the example DAGs.")
    static final class StandaloneCommand implements Callable<Integer> {
        @Option(names = "--home", description = "Data directory (env GALE_HOME, default ~/.gale).")
        Path home = Path.of(env("GALE_HOME", System.getProperty("user.home") + "/.gale"));

        @Option(names = "--http-port", description = "REST API and UI port (env GALE_HTTP_PORT, default 8080).")
        int httpPort = Integer.parseInt(env("GALE_HTTP_PORT", "8080"));

        @Option(names = "--grpc-port", description = "Worker (TEI) port (env GALE_GRPC_PORT, default 9090).")
        int grpcPort = Integer.parseInt(env("GALE_GRPC_PORT", "9090"));

        @Option(names = "--worker-slots", description = "Task instances the embedded worker runs at once (default 8).")
        int workerSlots = 8;

        @Option(names = "--gpu-inventory", description = "Also run a GPU worker with this declared inventory, e.g."
                + " 1x24576 (env GALE_WORKER_GPU_INVENTORY), to try GPU routing (gpu_demo) without a GPU.")
        String gpuInventory = env("GALE_WORKER_GPU_INVENTORY", "");

        @Option(names = "--kafka", description = "Also run a single-node Kafka broker (KRaft) with its data in"
                + " $GALE_HOME/kafka, for the event-triggered DAGs (support_stream).")
        boolean kafka;

        @Option(names = "--kafka-port", description = "The broker's port with --kafka (env GALE_KAFKA_PORT, default"
                + " 9092); its controller listens on the next port.")
        int kafkaPort = Integer.parseInt(env("GALE_KAFKA_PORT", "9092"));

        @Override
        public Integer call() throws InterruptedException {
            // The embedded worker's tasks keep their files (e.g. RAG indexes) in the same home.
            System.setProperty("gale.home", home.toAbsolutePath().toString());
            EmbeddedKafka broker = kafka ? EmbeddedKafka.startInHome(home, kafkaPort) : null;
            Standalone gale = Standalone.start(new Standalone.Options(home, httpPort, grpcPort, workerSlots,
                    broker == null ? Map.of() : Map.of("gale.kafka.bootstrap", broker.bootstrapServers()), gpuInventory));
            if (broker != null) {
                System.out.printf("Kafka (KRaft, data in %s/kafka): %s   (try: ./gale demo support-events --bootstrap %s)%n",
                        gale.home(), broker.bootstrapServers(), broker.bootstrapServers());
            }
            String dags = gale.dags().dags().stream().map(d -> d.dagId()).collect(Collectors.joining(", "));
            gale.createdAdminToken().ifPresent(token -> System.out.printf("""
                    Created an admin API token. It is shown only this once, and kept in %s/admin-token (mode 600):
                      %s
                    """, gale.home(), token));
            System.out.printf("""
                    Gale is running (standalone; data in %s).
                      Web UI:          http://localhost:%d   (sign in with the token in %s/admin-token)
                      REST API:        http://localhost:%d/api/v1   (try: GALE_TOKEN=$(cat %s/admin-token) ./gale dags list)
                      API docs:        http://localhost:%d/api/v1/docs
                      Workers (gRPC):  localhost:%d
                      DAGs loaded:     %s
                    Press Ctrl+C to stop.
                    """, gale.home(), gale.httpPort(), gale.home(), gale.httpPort(), gale.home(), gale.httpPort(),
                    gale.grpcPort(), dags);
            StopSignals.awaitStopThen(() -> {
                gale.close();
                if (broker != null) {
                    broker.close();
                }
            });
            return 0;
        }
    }

    @Command(name = "server", mixinStandardHelpOptions = true,
            description = "Run the API server and scheduler against an external PostgreSQL (GALE_DB_URL).")
    static final class ServerCommand implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            Preflight.requireFreePort(Integer.parseInt(env("GALE_HTTP_PORT", "8080")), "GALE_HTTP_PORT");
            Preflight.requireFreePort(Integer.parseInt(env("GALE_GRPC_PORT", "9090")), "GALE_GRPC_PORT");
            Preflight.requireDatabase(System.getenv("GALE_DB_URL"), env("GALE_DB_USER", "postgres"),
                    env("GALE_DB_PASSWORD", ""));
            return ServerProcess.runUntilStopped("server", Map.of());
        }
    }

    @Command(name = "scheduler", mixinStandardHelpOptions = true,
            description = "Run only the scheduler (no REST, no gRPC) against an external PostgreSQL (GALE_DB_URL)."
                    + " Run several for high availability: they coordinate through row locks.")
    static final class SchedulerCommand implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            Preflight.requireDatabase(System.getenv("GALE_DB_URL"), env("GALE_DB_USER", "postgres"),
                    env("GALE_DB_PASSWORD", ""));
            return ServerProcess.runUntilStopped("scheduler",
                    Map.of("spring.main.web-application-type", "none", "gale.grpc.enabled", "false",
                            // No web server, so its meters get an endpoint of their own: /metrics.
                            "gale.metrics.port", env("GALE_METRICS_PORT", "9464")));
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

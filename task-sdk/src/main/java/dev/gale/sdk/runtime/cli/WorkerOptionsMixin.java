package dev.gale.sdk.runtime.cli;

import dev.gale.sdk.runtime.DagRegistry;
import dev.gale.sdk.runtime.Worker;
import dev.gale.sdk.runtime.WorkerOptions;
import dev.gale.sdk.runtime.metrics.MetricsEndpoint;
import dev.gale.sdk.runtime.metrics.WorkerMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The command-line options every worker process takes (a picocli mixin), and how a worker process
 * runs until it is stopped. Picocli is an optional dependency: only worker processes bring it.
 */
public class WorkerOptionsMixin {
    private static final Logger log = LoggerFactory.getLogger(WorkerOptionsMixin.class);
    /** The worker metrics port the deployment manifests give workers (off unless asked for: workers share hosts). */
    public static final int METRICS_PORT = 9465;

    @Option(names = "--api", description = "API server's gRPC address host:port (env GALE_API, default localhost:9090).")
    String api = env("GALE_API", "localhost:9090");

    @Option(names = "--queues", split = ",", description = "Queues to take work from (default: default).")
    List<String> queues = List.of("default");

    @Option(names = "--slots", description = "Task instances run at once (default: number of cores).")
    int slots = Runtime.getRuntime().availableProcessors();

    @Option(names = "--worker-id", description = "Unique id of this worker (default: worker-<pid>@<host>).")
    String workerId;

    @Option(names = "--dags", split = ",", description = "DAG bundle jars or directories (env GALE_DAGS).")
    List<Path> dags = envPaths("GALE_DAGS");

    @Option(names = "--tls", description = "Connect with TLS, verifying the server against the system trust store"
            + " or --tls-ca (env GALE_WORKER_TLS=true).")
    boolean tls = Boolean.parseBoolean(env("GALE_WORKER_TLS", "false"));

    @Option(names = "--tls-ca", description = "PEM file of the CA that signed the server's certificate; implies --tls"
            + " (env GALE_WORKER_TLS_CA).")
    Path tlsCa = envPaths("GALE_WORKER_TLS_CA").stream().findFirst().orElse(null);

    @Option(names = "--metrics-port", description = "Serve Prometheus metrics on this port at /metrics (env"
            + " GALE_WORKER_METRICS_PORT; default: none). The Kubernetes manifests use " + METRICS_PORT + ".")
    int metricsPort = Integer.parseInt(env("GALE_WORKER_METRICS_PORT", "0"));

    @Option(names = "--drain-seconds", description = "On SIGTERM, how long running tasks may finish (default 30).")
    long drainSeconds = 30;

    /** Options for the worker runtime, starting from {@code builder} (which may already carry GPUs). */
    public WorkerOptions toOptions(WorkerOptions.Builder builder) {
        builder.queues(queues).slots(slots).drainGracePeriod(Duration.ofSeconds(drainSeconds))
                .workerSecret(env("GALE_WORKER_SECRET", "")).tls(tls, tlsCa);
        if (workerId != null) {
            builder.workerId(workerId);
        }
        return builder.build();
    }

    public String api() {
        return api;
    }

    public DagRegistry loadDags() {
        DagRegistry registry = DagRegistry.load(getClass().getClassLoader(), dags);
        if (registry.dags().isEmpty()) {
            throw new IllegalArgumentException("no DAGs found: pass DAG bundle jars with --dags or GALE_DAGS");
        }
        return registry;
    }

    /** Starts the worker and blocks until SIGTERM or SIGINT, then drains it; 0 once drained. */
    public int runUntilStopped(Worker worker, WorkerOptions options, DagRegistry dags)
            throws InterruptedException {
        // Started before the worker connects, so that a taken port ends the process before it takes work.
        MetricsEndpoint metrics = metricsPort > 0 ? serveMetrics(worker, options) : null;
        // A mistake retrying cannot mend (a server certificate the worker cannot verify) ends the process; the
        // worker has logged what to fix.
        worker.givenUp().thenAccept(mistake -> System.exit(2));
        worker.start();
        // Logged, not printed: with GALE_LOG_FORMAT=json every line of the process is a JSON object.
        log.info("Gale worker {}: queues {}, {} slots, API {}, DAGs {}", options.workerId(),
                options.queues(), options.slots(), options.apiTarget(),
                dags.dags().stream().map(d -> d.dagId()).toList());
        StopSignals.awaitStopThen(() -> {
            worker.close();
            if (metrics != null) {
                metrics.close();
            }
        });
        log.info("Gale worker {} stopped", options.workerId());
        return 0;
    }

    private MetricsEndpoint serveMetrics(Worker worker, WorkerOptions options) {
        try {
            MetricsEndpoint endpoint = WorkerMetrics.serve(metricsPort, worker, options);
            log.info("Gale worker {}: metrics on port {} at {}", options.workerId(), endpoint.port(),
                    MetricsEndpoint.PATH);
            return endpoint;
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve metrics on port " + metricsPort + " (--metrics-port,"
                    + " GALE_WORKER_METRICS_PORT): " + e.getMessage(), e);
        }
    }

    /**
     * Runs a worker command: a mistake in its options or DAG bundles ends in one line on stderr saying what
     * to fix, and exit status 2, rather than a stack trace.
     */
    public static int execute(Object command, String name, String[] args) {
        String logFormat = logFormatProblem();
        if (logFormat != null) {
            System.err.println(name + ": " + logFormat);
            return 2;
        }
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                commandLine.getErr().println(name + ": " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /**
     * What is wrong with GALE_LOG_FORMAT, which the processes' logback.xml reads (text or json); null when nothing
     * is. Checked up front: logback would otherwise log nothing at all for an unknown format.
     */
    public static String logFormatProblem() {
        String format = env("GALE_LOG_FORMAT", "text");
        return format.equals("text") || format.equals("json") ? null
                : "GALE_LOG_FORMAT is '" + format + "'; it must be text (the default) or json";
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static List<Path> envPaths(String name) {
        String value = env(name, "");
        return value.isEmpty() ? List.of() : java.util.Arrays.stream(value.split(",")).map(Path::of).toList();
    }
}

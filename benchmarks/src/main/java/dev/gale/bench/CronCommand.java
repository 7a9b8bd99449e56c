package dev.gale.bench;

import dev.gale.api.standalone.Standalone;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code gale bench cron}: the scheduler under many DAGs. {@code --dags} DAGs of five tasks, all on the same
 * every-minute cron schedule, fire in the same minute on a fresh standalone; for each fire it reports how long
 * after the fire time the last run was created and when the runs ended.
 */
@Command(name = "cron", mixinStandardHelpOptions = true,
        description = "On a fresh standalone, schedules --dags DAGs of five tasks on the same every-minute cron"
                + " schedule and reports, for each of --fires minutes, how long after the fire time the last run was"
                + " created and the runs ended (p50, p95, last), and the task instances done per second.")
final class CronCommand implements Callable<Integer> {
    private static final int TASKS_PER_DAG = 5;

    @Option(names = "--dags", description = "DAGs scheduled in the same minute (default ${DEFAULT-VALUE}).")
    int dags = 200;

    @Option(names = "--fires", description = "Minutes in a row they all fire (default ${DEFAULT-VALUE}).")
    int fires = 2;

    @Option(names = "--lead-seconds", description = "At least this long from now to the first fire, for the"
            + " standalone to start (default ${DEFAULT-VALUE}).")
    int leadSeconds = 45;

    @Option(names = "--worker-slots", description = "Task instances the worker runs at once (default ${DEFAULT-VALUE}).")
    int workerSlots = 8;

    @Option(names = "--output", description = "The JSON report (default ${DEFAULT-VALUE}).")
    Path output = Path.of("gale-bench-cron.json");

    /** What one minute's fire of every DAG took, in ms after the fire time. */
    record Fire(Instant fire, int runs, double lastCreatedMs, double endedP50Ms, double endedP95Ms, double lastEndedMs,
                double taskInstancesPerSecond) {
    }

    /** While nothing was due: this JVM's CPU and PostgreSQL's transactions; null when there was no time to look. */
    record Idle(double seconds, double jvmCpuPercentOfOneCore, double postgresTransactionsPerSecond) {
    }

    record Report(Map<String, String> machine, int dags, int tasksPerDag, Idle idle, List<Fire> fires) {
        String table() {
            StringBuilder out = new StringBuilder();
            out.append(idle == null ? "idle: not measured (under 5 s left before the first fire; raise --lead-seconds)\n"
                    : String.format("idle with %d cron DAGs, over %.0f s before the first fire: JVM CPU %.1f%% of one"
                    + " core, PostgreSQL %.1f transactions/s%n", dags, idle.seconds(), idle.jvmCpuPercentOfOneCore(),
                    idle.postgresTransactionsPerSecond()));
            out.append(String.format("%-22s %5s %14s %13s %13s %13s %10s%n", "fire", "runs", "last created",
                    "ended p50", "ended p95", "last ended", "ti/s"));
            for (Fire f : fires) {
                out.append(String.format("%-22s %5d %11.0f ms %10.0f ms %10.0f ms %10.0f ms %10.1f%n", f.fire(), f.runs(),
                        f.lastCreatedMs(), f.endedP50Ms(), f.endedP95Ms(), f.lastEndedMs(), f.taskInstancesPerSecond()));
            }
            return out.append("(ms after the fire time; ti/s: the fire's task instances over the time to its last"
                    + " run's end)\n").toString();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (dags < 1 || fires < 1 || leadSeconds < 1) {
            throw new IllegalArgumentException("--dags, --fires and --lead-seconds must be at least 1");
        }
        Instant first = Instant.now().plusSeconds(leadSeconds).truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        System.setProperty(CronBenchmarkDags.PROPERTY, dags + "," + first.getEpochSecond() + "," + fires);
        Path home = Files.createTempDirectory("gale-bench-cron-");
        try (Standalone gale = Standalone.start(new Standalone.Options(home, 0, 0, workerSlots,
                Map.of("logging.level.dev.gale", "WARN", "gale.dags", bundle(home).toString()), null))) {
            if (Instant.now().isAfter(first.minusSeconds(1))) {
                throw new IllegalStateException("the standalone started after the first fire (" + first + "); give it"
                        + " more time with --lead-seconds");
            }
            System.err.printf("gale bench cron: %d DAGs fire at %s%s%n", dags, first,
                    fires > 1 ? " and each minute after, " + fires + " times" : "");
            GaleClient client = new GaleClient(gale.httpPort(), gale.createdAdminToken().orElseThrow());
            Idle idle = idle(gale.jdbcUrl(), first);
            Map<Instant, List<JsonNode>> byFire = awaitRuns(client, first.plus(Duration.ofMinutes(fires + 10L)));
            Report report = new Report(Benchmark.host(), dags, TASKS_PER_DAG, idle,
                    byFire.entrySet().stream().map(e -> fire(e.getKey(), e.getValue())).toList());
            System.out.println(report.machine());
            System.out.print(report.table());
            Files.writeString(output, JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
                    .writeValueAsString(report));
            System.out.println("JSON report: " + output.toAbsolutePath());
        } finally {
            System.clearProperty(CronBenchmarkDags.PROPERTY);
            Benchmark.deleteRecursively(home);
        }
        return 0;
    }

    /**
     * What the DAGs cost while nothing is due: this JVM's CPU (server, scheduler and worker) and PostgreSQL's
     * transactions per second, from a few seconds after the start (the JIT settles) to just before the first fire.
     */
    private Idle idle(String jdbcUrl, Instant firstFire) throws Exception {
        Thread.sleep(5_000);
        long millis = Duration.between(Instant.now(), firstFire.minusSeconds(2)).toMillis();
        if (millis < 5_000) {
            return null;
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Connection db = DriverManager.getConnection(jdbcUrl)) {
            long transactions = transactions(db);
            long cpu = os.getProcessCpuTime();
            Thread.sleep(millis);
            double seconds = millis / 1000.0;
            return new Idle(seconds, (os.getProcessCpuTime() - cpu) / 1e7 / seconds,
                    (transactions(db) - transactions) / seconds);
        }
    }

    private static long transactions(Connection db) throws Exception {
        // Statistics reach pg_stat_database once a backend flushes them (about every second); clear the snapshot.
        try (Statement st = db.createStatement()) {
            st.execute("select pg_stat_clear_snapshot()");
            try (ResultSet rs = st.executeQuery("select sum(xact_commit + xact_rollback) from pg_stat_database")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A jar that names the cron DAGs for ServiceLoader, so that only this standalone loads them. */
    private static Path bundle(Path home) throws IOException {
        Path jar = home.resolve("bench-cron-dags.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry("META-INF/services/dev.gale.sdk.DagBundle"));
            out.write((CronBenchmarkDags.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    /** Every scheduled run once all have ended, by fire time (their logical date); stops at the first failed one. */
    private Map<Instant, List<JsonNode>> awaitRuns(GaleClient client, Instant deadline) throws Exception {
        int expected = dags * fires;
        while (true) {
            List<JsonNode> runs = scheduledRuns(client);
            for (JsonNode run : runs) {
                if (!"success".equals(run.get("state").asString()) && !run.get("endedAt").isNull()) {
                    throw new IllegalStateException("run " + run.get("runId").asString() + " of "
                            + run.get("dagId").asString() + " ended " + run.get("state").asString() + ": "
                            + run.get("error").asString());
                }
            }
            long ended = runs.stream().filter(r -> !r.get("endedAt").isNull()).count();
            if (ended == expected) {
                Map<Instant, List<JsonNode>> byFire = new TreeMap<>();
                runs.forEach(r -> byFire.computeIfAbsent(Instant.parse(r.get("logicalDate").asString()),
                        f -> new ArrayList<>()).add(r));
                return byFire;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(ended + " of the " + expected + " scheduled runs ended by " + deadline);
            }
            Thread.sleep(1_000);
        }
    }

    private static List<JsonNode> scheduledRuns(GaleClient client) throws Exception {
        List<JsonNode> runs = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = client.get("/runs?runType=scheduled&limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("runs").forEach(r -> {
                if (r.get("dagId").asString().startsWith(CronBenchmarkDags.PREFIX)) {
                    runs.add(r);
                }
            });
            JsonNode next = page.get("nextCursor");
            cursor = next == null || next.isNull() ? null : next.asString();
        } while (cursor != null);
        return runs;
    }

    private static Fire fire(Instant fire, List<JsonNode> runs) {
        List<Double> created = runs.stream().map(r -> millisAfter(fire, r.get("queuedAt"))).toList();
        List<Double> ended = runs.stream().map(r -> millisAfter(fire, r.get("endedAt"))).toList();
        double last = Metric.percentile(ended, 100);
        return new Fire(fire, runs.size(), Metric.percentile(created, 100), Metric.percentile(ended, 50),
                Metric.percentile(ended, 95), last, runs.size() * TASKS_PER_DAG / (last / 1000));
    }

    private static double millisAfter(Instant fire, JsonNode time) {
        return Duration.between(fire, Instant.parse(time.asString())).toNanos() / 1e6;
    }
}

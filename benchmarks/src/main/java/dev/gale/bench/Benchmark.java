package dev.gale.bench;

import dev.gale.api.standalone.Standalone;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Starts standalone Gale (embedded PostgreSQL with its standalone settings, API server, scheduler, one
 * worker over real gRPC) in a fresh home, runs the scenarios against it over REST, and measures the
 * same PostgreSQL on its own.
 */
final class Benchmark {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private final BenchSettings settings;
    private final List<Metric> metrics = new ArrayList<>();

    Benchmark(BenchSettings settings) {
        this.settings = settings;
    }

    /** One scenario run: measures and returns the figures of that run, by name. */
    private interface ScenarioRun {
        Map<String, Double> run() throws Exception;
    }

    BenchReport run(Consumer<String> progress) throws Exception {
        Path home = Files.createTempDirectory("gale-bench-");
        Map<String, String> machine;
        try (Standalone gale = Standalone.start(new Standalone.Options(home, 0, 0, settings.workerSlots(),
                Map.of("logging.level.dev.gale", "WARN"), null));
             Baseline postgres = new Baseline(gale.jdbcUrl())) {
            GaleClient client = new GaleClient(gale.httpPort(), gale.createdAdminToken().orElseThrow());
            machine = machine(postgres);

            progress.accept("baseline");
            Map<String, List<Double>> baseline = repeat(() -> Map.of(
                    "update", postgres.updateLatencyMillis(1_000),
                    "tps8", postgres.writeTransactionsPerSecond(Duration.ofSeconds(settings.baselineSeconds()))));
            Metric update = add(Metric.of("baseline", "update latency (1 conn)", "ms", baseline.get("update")));
            Metric tps = add(Metric.of("baseline", "write tx/s (8 conns)", "tx/s", baseline.get("tps8")));

            progress.accept("chain40");
            Metric chain = Metric.of("chain40", "trigger to success", "ms", repeat(() -> Map.of("wall",
                    timed(() -> expect(client.runToEnd(BenchmarkDags.CHAIN40, "{}"), BenchmarkDags.FIB_10)))).get("wall"));
            add(chain.withRatio(chain.median() / update.median(), "commits' worth of time").atMost(150));

            String chains = "chain40x" + settings.concurrentChains();
            progress.accept(chains);
            Map<String, List<Double>> loaded = repeat(() -> concurrentChainsRun(client));
            add(Metric.of(chains, "trigger to success p50", "ms", loaded.get("p50")));
            add(Metric.of(chains, "trigger to success max", "ms", loaded.get("max")));
            add(Metric.of(chains, "hops/s", "hops/s", loaded.get("hops")));

            String fan = "fan" + (settings.fanSize() % 1000 == 0 ? settings.fanSize() / 1000 + "k" : settings.fanSize());
            progress.accept(fan);
            Map<String, List<Double>> fans = repeat(() -> fanRun(client));
            Metric fanRate = Metric.of(fan, "task instances/s", "ti/s", fans.get("rate")).atLeast(2_500);
            add(fanRate.withRatio(tps.median() / fanRate.median(), "baseline tx per task instance"));
            add(Metric.of(fan, "run wall time", "s", fans.get("wall")));
            add(Metric.of(fan, "heap high-water", "MB", fans.get("heap")).atMost(256));

            progress.accept("sync3");
            Map<String, List<Double>> sync = repeat(() -> syncRun(client));
            add(ratioTo(update, Metric.of("sync3", "HTTP latency p50", "ms", sync.get("p50"))).atMost(10));
            add(ratioTo(update, Metric.of("sync3", "HTTP latency p95", "ms", sync.get("p95"))));
            add(ratioTo(update, Metric.of("sync3", "HTTP latency p99", "ms", sync.get("p99"))).atMost(25));

            String adhoc = "adhoc" + settings.adhocRuns();
            progress.accept(adhoc);
            Metric runs = Metric.of(adhoc, "runs completed/s", "runs/s", repeat(() -> adhocRun(client)).get("rate"));
            add(runs.withRatio(tps.median() / runs.median(), "baseline tx per run").atLeast(250));
        } finally {
            deleteRecursively(home);
        }
        return new BenchReport(machine, settings, metrics);
    }

    private Map<String, Double> fanRun(GaleClient client) throws Exception {
        System.gc();
        AtomicLong highWater = new AtomicLong(MEMORY.getHeapMemoryUsage().getUsed());
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                highWater.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        double millis;
        try {
            millis = timed(() -> expect(client.runToEnd(BenchmarkDags.FAN, "{\"count\":" + settings.fanSize() + "}"),
                    settings.fanSize()));
        } finally {
            sampler.interrupt();
            sampler.join();
        }
        // The list task and the reduce are task instances too.
        return Map.of("wall", millis / 1000, "rate", (settings.fanSize() + 2) / (millis / 1000),
                "heap", highWater.get() / (1024.0 * 1024));
    }

    private Map<String, Double> syncRun(GaleClient client) throws Exception {
        List<Double> millis = new ArrayList<>(settings.syncTriggers());
        for (int i = 0; i < settings.syncTriggers(); i++) {
            millis.add(timed(() -> expect(client.runToEnd(BenchmarkDags.SYNC3, "{}"), 3)));
        }
        return Map.of("p50", Metric.percentile(millis, 50), "p95", Metric.percentile(millis, 95),
                "p99", Metric.percentile(millis, 99));
    }

    /** Latency under load: {@code concurrentChains} chain40 runs triggered at once, each timed from its trigger. */
    private Map<String, Double> concurrentChainsRun(GaleClient client) throws Exception {
        long start = System.nanoTime();
        List<Double> millis = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Double>> results = new ArrayList<>();
            for (int i = 0; i < settings.concurrentChains(); i++) {
                results.add(clients.submit(() -> timed(() -> expect(client.runToEnd(BenchmarkDags.CHAIN40, "{}"),
                        BenchmarkDags.FIB_10))));
            }
            for (Future<Double> result : results) {
                millis.add(result.get());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return Map.of("p50", Metric.percentile(millis, 50), "max", Metric.percentile(millis, 100),
                "hops", settings.concurrentChains() * 40 / seconds);
    }

    private Map<String, Double> adhocRun(GaleClient client) throws Exception {
        long start = System.nanoTime();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<JsonNode>> results = new ArrayList<>();
            for (int i = 0; i < settings.adhocRuns(); i++) {
                results.add(clients.submit(() -> client.runToEnd(BenchmarkDags.ADHOC5, "{}")));
            }
            for (Future<JsonNode> result : results) {
                expect(result.get(), 3);
            }
        }
        return Map.of("rate", settings.adhocRuns() / ((System.nanoTime() - start) / 1e9));
    }

    /** Warm-up runs, then the measured runs; each figure's values in run order. */
    private Map<String, List<Double>> repeat(ScenarioRun scenario) throws Exception {
        Map<String, List<Double>> figures = new LinkedHashMap<>();
        for (int i = 0; i < settings.warmups() + settings.runs(); i++) {
            Map<String, Double> run = scenario.run();
            if (i >= settings.warmups()) {
                run.forEach((name, value) -> figures.computeIfAbsent(name, n -> new ArrayList<>()).add(value));
            }
        }
        return figures;
    }

    private interface Action {
        void run() throws Exception;
    }

    private static double timed(Action action) throws Exception {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1e6;
    }

    /** A wrong result means the benchmark measured something other than the scenario: stop. */
    private static void expect(JsonNode result, long expected) {
        if (result == null || result.asLong() != expected) {
            throw new IllegalStateException("expected the run's result to be " + expected + ", got " + result);
        }
    }

    private static Metric ratioTo(Metric update, Metric latency) {
        return latency.withRatio(latency.median() / update.median(), "commits' worth of time");
    }

    private Metric add(Metric metric) {
        metrics.add(metric);
        return metric;
    }

    private static Map<String, String> machine(Baseline postgres) throws Exception {
        Map<String, String> machine = host();
        machine.put("postgres", postgres.setting("server_version"));
        machine.put("postgresFsync", postgres.setting("fsync"));
        machine.put("postgresSynchronousCommit", postgres.setting("synchronous_commit"));
        return machine;
    }

    /** The machine and JVM the figures come from, and how busy the machine was when the benchmark began. */
    static Map<String, String> host() {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        machine.put("memoryMb", Long.toString(os.getTotalMemorySize() / (1024 * 1024)));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("jdk", System.getProperty("java.vm.vendor") + " " + Runtime.version());
        // Other work on the machine skews every figure; this says how busy it was when the benchmark began.
        machine.put("loadAverageAtStart", String.format("%.2f", os.getSystemLoadAverage()));
        machine.put("maxHeapMb", Long.toString(Runtime.getRuntime().maxMemory() / (1024 * 1024)));
        machine.put("gc", ManagementFactory.getGarbageCollectorMXBeans().getFirst().getName());
        return machine;
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

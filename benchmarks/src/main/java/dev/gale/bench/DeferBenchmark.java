package dev.gale.bench;

import dev.gale.api.standalone.Standalone;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Deferral on a fresh standalone: many task instances waiting at once (worker slots held, the process's CPU
 * while they wait, the time to finish them once fired), and how long each kind of trigger takes from firing
 * to the resumed attempt's start ({@code startedAt} over REST).
 */
final class DeferBenchmark {
    private static final Duration POLL = Duration.ofMillis(100);
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    record Settings(int deferred, int waits, int assetWaits, int idleSeconds, Path output) {
        Settings {
            if (deferred < 1 || waits < 1 || assetWaits < 1 || idleSeconds < 1) {
                throw new IllegalArgumentException("sizes and seconds must be at least 1");
            }
        }
    }

    /** One trigger kind's latencies from firing to the resumed attempt's start, in milliseconds. */
    record Latency(String trigger, int waits, double p50, double p95, double max) {
    }

    record Report(Map<String, String> machine, int deferred, double secondsToAllDeferred, int slotsInUseWhileDeferred,
                  double processCpuPercentOfOneCore, int idleSeconds, int woken, double secondsFromFireToAllDone,
                  List<Latency> latencies, String loadAverageAtEnd) {
        String table() {
            StringBuilder out = new StringBuilder();
            out.append(String.format("%,d task instances deferred at once: all deferred %.1f s after the trigger%n",
                    deferred, secondsToAllDeferred));
            out.append(String.format("  worker slots in use while they wait: %d%n", slotsInUseWhileDeferred));
            out.append(String.format("  standalone process CPU over %d s of waiting: %.1f %% of one core%n",
                    idleSeconds, processCpuPercentOfOneCore));
            out.append(String.format("  one event woke %,d; all done %.2f s after firing it%n", woken,
                    secondsFromFireToAllDone));
            out.append(String.format("%-16s %6s %9s %9s %9s%n", "trigger", "waits", "p50 ms", "p95 ms", "max ms"));
            for (Latency l : latencies) {
                out.append(String.format("%-16s %6d %9.0f %9.0f %9.0f%n", l.trigger(), l.waits(), l.p50(), l.p95(),
                        l.max()));
            }
            out.append("load average at end: ").append(loadAverageAtEnd).append('\n');
            return out.toString();
        }

        void writeJson(Path output) throws IOException {
            Files.writeString(output, JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
                    .writeValueAsString(this));
        }
    }

    private final Settings settings;

    DeferBenchmark(Settings settings) {
        this.settings = settings;
    }

    Report run(Consumer<String> progress) throws Exception {
        Path home = Files.createTempDirectory("gale-bench-defer-");
        try (Standalone gale = Standalone.start(new Standalone.Options(home, 0, 0, 8,
                Map.of("logging.level.dev.gale", "WARN"), null))) {
            GaleClient client = new GaleClient(gale.httpPort(), gale.createdAdminToken().orElseThrow());
            Map<String, String> machine = Benchmark.host();

            progress.accept(settings.deferred() + " deferred at once");
            long start = System.nanoTime();
            String fanRun = client.trigger(BenchmarkDags.DEFER_FAN, "{\"count\":" + settings.deferred() + "}");
            awaitDeferred(client, BenchmarkDags.DEFER_FAN, fanRun, settings.deferred());
            double toDeferred = (System.nanoTime() - start) / 1e9;
            int slots = slotsInUse(client);
            long cpuBefore = OS.getProcessCpuTime();
            long wallBefore = System.nanoTime();
            Thread.sleep(Duration.ofSeconds(settings.idleSeconds()));
            double cpuPercent = 100.0 * (OS.getProcessCpuTime() - cpuBefore) / (System.nanoTime() - wallBefore);
            long fired = System.nanoTime();
            int woken = client.fireEvent("bench-" + fanRun);
            JsonNode result = client.awaitRun(BenchmarkDags.DEFER_FAN, fanRun).get("result");
            double toDone = (System.nanoTime() - fired) / 1e9;
            if (result.asInt() != settings.deferred()) {
                throw new IllegalStateException("expected " + settings.deferred() + " resumed task instances, got "
                        + result);
            }

            List<Latency> latencies = new ArrayList<>();
            progress.accept("time trigger");
            latencies.add(timeLatency(client));
            progress.accept("external event");
            latencies.add(eventLatency(client));
            progress.accept("asset version");
            latencies.add(assetLatency(client));
            return new Report(machine, settings.deferred(), toDeferred, slots, cpuPercent, settings.idleSeconds(),
                    woken, toDone, latencies, String.format("%.2f", OS.getSystemLoadAverage()));
        } finally {
            Benchmark.deleteRecursively(home);
        }
    }

    /**
     * All waits at once, each due at its own instant 100 ms after the previous, so that each resume is
     * timed on its own: from the due instant to the resumed start.
     */
    private Latency timeLatency(GaleClient client) throws Exception {
        Instant first = Instant.now().plusSeconds(3 + settings.waits() / 50);
        Map<String, Instant> due = new LinkedHashMap<>();
        for (int i = 0; i < settings.waits(); i++) {
            Instant at = first.plusMillis(100L * i);
            due.put(client.trigger(BenchmarkDags.DEFER_TIME, "{\"at\":\"" + at + "\"}"), at);
        }
        List<Double> millis = new ArrayList<>();
        for (var wait : due.entrySet()) {
            client.awaitRun(BenchmarkDags.DEFER_TIME, wait.getKey());
            millis.add(resumedStartMillis(client, BenchmarkDags.DEFER_TIME, wait.getKey(), wait.getValue()));
        }
        return latency("time (Trigger.at)", millis);
    }

    /** All waits deferred first, then one event each, 100 ms apart: from sending the POST to the resumed start. */
    private Latency eventLatency(GaleClient client) throws Exception {
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < settings.waits(); i++) {
            runs.add(client.trigger(BenchmarkDags.DEFER_EVENT, "{}"));
        }
        for (String run : runs) {
            awaitDeferred(client, BenchmarkDags.DEFER_EVENT, run, 1);
        }
        Map<String, Instant> sent = new LinkedHashMap<>();
        for (String run : runs) {
            Instant now = Instant.now();
            if (client.fireEvent("bench-" + run) != 1) {
                throw new IllegalStateException("the event of run " + run + " woke no task");
            }
            sent.put(run, now);
            Thread.sleep(100);
        }
        List<Double> millis = new ArrayList<>();
        for (var wait : sent.entrySet()) {
            client.awaitRun(BenchmarkDags.DEFER_EVENT, wait.getKey());
            millis.add(resumedStartMillis(client, BenchmarkDags.DEFER_EVENT, wait.getKey(), wait.getValue()));
        }
        return latency("external event", millis);
    }

    /**
     * One wait at a time, since one version wakes every task waiting on the asset: from the version's
     * {@code createdAt} to the resumed start. The scheduler looks for new versions every 5 s.
     */
    private Latency assetLatency(GaleClient client) throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < settings.assetWaits(); i++) {
            String run = client.trigger(BenchmarkDags.DEFER_ASSET, "{}");
            awaitDeferred(client, BenchmarkDags.DEFER_ASSET, run, 1);
            int version = client.succeededRun(BenchmarkDags.PUBLISH_ASSET, "{}").get("result").asInt();
            JsonNode asset = client.get("/assets?namePrefix=" + BenchmarkDags.DEFER_ASSET_NAME).get("assets").get(0);
            Instant published = Instant.parse(client.get("/assets/" + asset.get("id").asLong() + "/versions/" + version)
                    .get("createdAt").asString());
            client.awaitRun(BenchmarkDags.DEFER_ASSET, run);
            millis.add(resumedStartMillis(client, BenchmarkDags.DEFER_ASSET, run, published));
        }
        return latency("asset version", millis);
    }

    private static double resumedStartMillis(GaleClient client, String dagId, String runId, Instant from)
            throws Exception {
        Instant started = Instant.parse(client.get("/dags/" + dagId + "/runs/" + runId + "/tasks/wait")
                .get("startedAt").asString());
        double millis = Duration.between(from, started).toNanos() / 1e6;
        if (millis < 0) {
            throw new IllegalStateException("run " + runId + "'s task started at " + started + ", before its trigger"
                    + " fired at " + from + ": startedAt is not the resumed attempt's start");
        }
        return millis;
    }

    private static Latency latency(String trigger, List<Double> millis) {
        return new Latency(trigger, millis.size(), Metric.percentile(millis, 50), Metric.percentile(millis, 95),
                millis.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    }

    /** Waits until {@code count} of the run's 'wait' task instances are deferred. */
    private static void awaitDeferred(GaleClient client, String dagId, String runId, int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (deferred(client, dagId, runId) < count) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("run " + runId + " of " + dagId + " did not defer " + count
                        + " task instances within 5 minutes");
            }
            Thread.sleep(POLL);
        }
    }

    private static int deferred(GaleClient client, String dagId, String runId) throws Exception {
        int deferred = 0;
        for (int offset = 0; ; offset += 1000) {
            JsonNode page = client.get("/dags/" + dagId + "/runs/" + runId + "/tasks?limit=1000&offset=" + offset);
            for (JsonNode ti : page.get("taskInstances")) {
                if ("wait".equals(ti.get("taskId").asString()) && "deferred".equals(ti.get("state").asString())) {
                    deferred++;
                }
            }
            if (offset + 1000 >= page.get("totalEntries").asInt()) {
                return deferred;
            }
        }
    }

    private static int slotsInUse(GaleClient client) throws Exception {
        int slots = 0;
        for (JsonNode worker : client.get("/workers").get("workers")) {
            slots += worker.get("slotsInUse").asInt();
        }
        return slots;
    }
}

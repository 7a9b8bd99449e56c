package dev.gale.bench;

import dev.gale.api.demo.EventProducer;
import dev.gale.api.demo.SupportEvents;
import dev.gale.api.standalone.EmbeddedKafka;
import dev.gale.api.standalone.Standalone;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streaming ingestion end to end: a fresh standalone with its Kafka broker runs {@code support_stream};
 * synthetic support events are produced at steady rates, and a reader of the {@code support} index (what
 * {@code support_answer} searches) notes when each event becomes retrievable. Freshness is the time from
 * producing an event to that moment; the sustained rate is events indexed per second of the phase.
 */
final class StreamBenchmark {
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration DRAIN = Duration.ofSeconds(120);

    record Settings(List<Double> rates, int seconds, int partitions, Path output) {
    }

    /** One rate: how many were produced and indexed, at what rate, and their freshness in milliseconds. */
    record Phase(double rate, int produced, int indexed, double indexedPerSecond, double p50, double p95, double p99,
                 double max) {
    }

    record Report(Map<String, String> machine, List<Phase> phases, Double highestRateWithP95Within5s) {
        String table() {
            StringBuilder out = new StringBuilder(String.format("%-10s %9s %9s %12s %9s %9s %9s %9s%n", "rate/s",
                    "produced", "indexed", "indexed/s", "p50 ms", "p95 ms", "p99 ms", "max ms"));
            for (Phase p : phases) {
                out.append(String.format("%-10.0f %9d %9d %12.1f %9.0f %9.0f %9.0f %9.0f%n", p.rate(), p.produced(),
                        p.indexed(), p.indexedPerSecond(), p.p50(), p.p95(), p.p99(), p.max()));
            }
            out.append("highest rate sustained with freshness p95 <= 5 s: ")
                    .append(highestRateWithP95Within5s == null ? "none of those tried"
                            : String.format("%.0f events/s", highestRateWithP95Within5s)).append('\n');
            return out.toString();
        }

        void writeJson(Path output) throws IOException {
            Files.writeString(output, JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
                    .writeValueAsString(this));
        }
    }

    private final Settings settings;

    StreamBenchmark(Settings settings) {
        this.settings = settings;
    }

    Report run(Consumer<String> progress) throws Exception {
        Path home = Files.createTempDirectory("gale-bench-stream-");
        // The embedded worker writes the index under gale.home, where this reader looks for it.
        System.setProperty("gale.home", home.toString());
        Path index = home.resolve("indexes").resolve("support");
        List<Phase> phases = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(home.resolve("kafka"), freePort(), freePort());
             Standalone gale = Standalone.start(new Standalone.Options(home, 0, 0, 8,
                     Map.of("gale.kafka.bootstrap", kafka.bootstrapServers(), "logging.level.dev.gale", "WARN"), null));
             EventProducer producer = new EventProducer(kafka.bootstrapServers(), Map.of(), "support-events",
                     settings.partitions())) {
            progress.accept("warm-up (loads the embedding model)");
            phase(producer, index, 20, 5, "warmup");
            for (double rate : settings.rates()) {
                progress.accept(String.format("%.0f events/s for %d s", rate, settings.seconds()));
                phases.add(phase(producer, index, rate, settings.seconds(), "r" + (int) rate));
            }
        }
        Double best = phases.stream().filter(p -> p.p95() <= 5_000 && p.indexed() == p.produced()
                        && p.indexedPerSecond() >= 0.9 * p.rate())
                .map(Phase::rate).max(Double::compare).orElse(null);
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        machine.put("java", System.getProperty("java.version"));
        machine.put("loadAverageAtEnd", String.format("%.2f",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        return new Report(machine, phases, best);
    }

    private Phase phase(EventProducer producer, Path index, double rate, int seconds, String tag) throws Exception {
        int count = (int) Math.round(rate * seconds);
        Map<String, Instant> produced = new ConcurrentHashMap<>();
        Map<String, Instant> pending = new ConcurrentHashMap<>();
        List<Double> freshness = new ArrayList<>();
        Instant[] lastSeen = {null};
        Thread watcher = Thread.ofPlatform().daemon().name("bench-stream-reader").start(() -> {
            try {
                watch(index, pending, freshness, lastSeen, count);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Instant start = Instant.now();
        producer.produce(new SupportEvents(tag.hashCode(), 300, tag + Long.toString(System.nanoTime(), 36)), count, rate,
                (event, at) -> {
                    produced.put(event.key(), at);
                    pending.put(event.key(), at);
                });
        watcher.join(DRAIN.plusSeconds(seconds));
        watcher.interrupt();
        List<Double> sorted;
        synchronized (freshness) {
            sorted = freshness.stream().sorted().toList();
        }
        double wall = lastSeen[0] == null ? Double.NaN : Duration.between(start, lastSeen[0]).toMillis() / 1000.0;
        return new Phase(rate, count, sorted.size(), sorted.size() / wall, percentile(sorted, 50), percentile(sorted, 95),
                percentile(sorted, 99), sorted.isEmpty() ? Double.NaN : sorted.getLast());
    }

    /** Looks up each produced, not yet seen event in the index every {@link #POLL}, as the index's commits land. */
    private static void watch(Path index, Map<String, Instant> pending, List<Double> freshness, Instant[] lastSeen,
                              int expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + DRAIN.toNanos() * 2;
        while (!Files.exists(index) && System.nanoTime() < deadline) {
            Thread.sleep(POLL);
        }
        DirectoryReader reader = null;
        try (FSDirectory directory = FSDirectory.open(index)) {
            int seen = 0;
            while (seen < expected && System.nanoTime() < deadline) {
                Thread.sleep(POLL);
                if (!DirectoryReader.indexExists(directory)) {
                    continue;
                }
                DirectoryReader fresh = reader == null ? DirectoryReader.open(directory)
                        : DirectoryReader.openIfChanged(reader);
                if (fresh == null) {
                    continue;
                }
                if (reader != null) {
                    reader.close();
                }
                reader = fresh;
                Instant now = Instant.now();
                IndexSearcher searcher = new IndexSearcher(reader);
                for (Iterator<Map.Entry<String, Instant>> it = pending.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<String, Instant> event = it.next();
                    if (searcher.count(new TermQuery(new Term("id", event.getKey()))) > 0) {
                        synchronized (freshness) {
                            freshness.add((double) Duration.between(event.getValue(), now).toMillis());
                        }
                        lastSeen[0] = now;
                        it.remove();
                        seen++;
                    }
                }
            }
        } finally {
            if (reader != null) {
                reader.close();
            }
        }
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.isEmpty() ? Double.NaN : Metric.percentile(sorted, p);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package dev.gale.bench;

import dev.gale.api.standalone.Standalone;
import dev.gale.worker.gpu.GpuInventory;
import dev.gale.worker.gpu.NvidiaSmi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The embed scenario: the same deterministic chunks embedded by the local model through common.llm, in a
 * task on a fresh standalone's CPU worker and, where {@code nvidia-smi} finds a GPU, in a GPU task on
 * standalone's GPU worker pinned to GPU 0. Chunks per second count the embedding calls only, after a
 * first batch has loaded the model. Then, in the same sitting, {@link IngestBenchmark}: the whole
 * {@code rag_ingest} against the raw ONNX limit, in tokens per second.
 */
final class EmbedBenchmark {
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /**
     * What to run: {@code chunks} per run, {@code batch} per embedding call, {@code runs} measured runs, and
     * {@code copies} of {@code corpus} per ingestion.
     */
    record Settings(int chunks, int batch, int runs, Path corpus, int copies, Path output) {
        Settings {
            if (chunks < 1 || batch < 1 || runs < 1 || copies < 1) {
                throw new IllegalArgumentException("chunks, batch, runs and copies must be at least 1");
            }
        }
    }

    /** The figures, and why the GPU was not measured when it was not. */
    record Report(Map<String, String> machine, Settings settings, List<Metric> metrics, Optional<String> gpuSkipped) {
        String table() {
            StringBuilder out = new StringBuilder(String.format("%-10s %-26s %10s %10s %10s  %s%n", "scenario",
                    "figure", "median", "min", "max", "unit"));
            for (Metric m : metrics) {
                out.append(String.format("%-10s %-26s %10s %10s %10s  %s%n", m.scenario(), m.name(),
                        Metric.format(m.median()), Metric.format(m.min()), Metric.format(m.max()), m.unit()));
            }
            gpuSkipped.ifPresent(reason -> out.append("GPU not measured: ").append(reason).append('\n'));
            return out.toString();
        }

        void writeJson() throws IOException {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("machine", machine);
            document.put("settings", Map.of("chunks", settings.chunks(), "batch", settings.batch(),
                    "runs", settings.runs(), "corpus", settings.corpus().toString(), "copies", settings.copies()));
            document.put("metrics", metrics);
            document.put("gpuSkipped", gpuSkipped.orElse(null));
            Path parent = settings.output().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(settings.output(), JSON.writeValueAsString(document));
        }
    }

    private final Settings settings;

    EmbedBenchmark(Settings settings) {
        this.settings = settings;
    }

    Report run(Consumer<String> progress) throws Exception {
        GpuInventory gpus = NvidiaSmi.discover();
        Map<String, String> machine = Benchmark.host();
        machine.put("gpus", gpus.isEmpty() ? "none found by nvidia-smi" : gpus.describe());
        // Standalone's GPU worker takes a declared inventory: GPU 0's memory, as nvidia-smi reports it.
        String inventory = gpus.isEmpty() ? null : "1x" + gpus.gpus().getFirst().memoryMb();
        Path home = Files.createTempDirectory("gale-bench-embed-");
        IngestBenchmark ingest = new IngestBenchmark(settings.corpus(), settings.copies(), home);
        // rag_ingest's index goes under the embedded worker's GALE_HOME: this run's own directory.
        System.setProperty("gale.home", home.toString());
        List<Metric> metrics = new ArrayList<>();
        Optional<String> gpuSkipped = Optional.empty();
        try (Standalone gale = Standalone.start(new Standalone.Options(home, 0, 0, 2,
                Map.of("logging.level.dev.gale", "WARN"), inventory))) {
            GaleClient client = new GaleClient(gale.httpPort(), gale.createdAdminToken().orElseThrow());
            progress.accept("embed on CPU");
            metrics.add(Metric.of("embed", "chunks/s on CPU", "chunks/s", rates(client, BenchmarkDags.EMBED_CPU)));
            metrics.addAll(ingestion(client, ingest, progress));
            if (gpus.isEmpty()) {
                gpuSkipped = Optional.of("nvidia-smi found no GPU on this machine");
            } else {
                progress.accept("embed on GPU 0 (" + gpus.gpus().getFirst().model() + ")");
                try {
                    metrics.add(Metric.of("embed", "chunks/s on GPU", "chunks/s", rates(client,
                            BenchmarkDags.EMBED_GPU)));
                } catch (IllegalStateException e) {
                    gpuSkipped = Optional.of(e.getMessage());
                }
            }
        } finally {
            Benchmark.deleteRecursively(home);
        }
        return new Report(machine, settings, metrics, gpuSkipped);
    }

    private List<Metric> ingestion(GaleClient client, IngestBenchmark ingest, Consumer<String> progress)
            throws Exception {
        List<Double> raw = new ArrayList<>();
        List<Double> engine = new ArrayList<>();
        List<Double> embedPhase = new ArrayList<>();
        List<Double> whole = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> windowed = new ArrayList<>();
        for (int i = 0; i < settings.runs(); i++) {
            progress.accept("rag_ingest of " + settings.copies() + " copies of " + settings.corpus() + " beside the raw"
                    + " ONNX loop (" + IngestBenchmark.RAW_BATCH + " per batch, " + IngestBenchmark.RAW_THREADS
                    + " intra-op threads)");
            IngestBenchmark.Sitting sitting = ingest.run(client, i);
            raw.add(sitting.rawTokensPerSecond());
            engine.add(sitting.engineTokensPerSecond());
            embedPhase.add(sitting.embedPhaseTokensPerSecond());
            whole.add(sitting.runTokensPerSecond());
            ratios.add(sitting.embedPhaseTokensPerSecond() / sitting.rawTokensPerSecond());
            windowed.add(100.0 * sitting.windowed() / sitting.chunks());
        }
        return List.of(Metric.of("ingest", "raw ONNX tokens/s", "tokens/s", raw),
                Metric.of("ingest", "engine alone tokens/s", "tokens/s", engine),
                Metric.of("ingest", "rag_ingest embed tokens/s", "tokens/s", embedPhase),
                Metric.of("ingest", "rag_ingest run tokens/s", "tokens/s", whole),
                Metric.of("ingest", "embed / raw", "ratio", ratios).atLeast(IngestBenchmark.TARGET_RATIO),
                Metric.of("ingest", "chunks windowed", "%", windowed));
    }

    private List<Double> rates(GaleClient client, String dagId) throws Exception {
        List<Double> rates = new ArrayList<>();
        for (int i = 0; i < settings.runs(); i++) {
            JsonNode result = client.runToEnd(dagId, "{\"chunks\":" + settings.chunks() + ",\"batch\":"
                    + settings.batch() + "}");
            if (result == null || result.get("chunks").asInt() != settings.chunks()
                    || result.get("dimensions").asInt() != 384) {
                throw new IllegalStateException("expected " + settings.chunks() + " chunks of 384 dimensions from "
                        + dagId + ", got " + result);
            }
            rates.add(settings.chunks() / result.get("seconds").asDouble());
        }
        return rates;
    }
}

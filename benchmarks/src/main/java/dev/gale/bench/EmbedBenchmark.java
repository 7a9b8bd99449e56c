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
 * first batch has loaded the model.
 */
final class EmbedBenchmark {
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** What to run: {@code chunks} per run, {@code batch} per embedding call, {@code runs} measured runs. */
    record Settings(int chunks, int batch, int runs, Path output) {
        Settings {
            if (chunks < 1 || batch < 1 || runs < 1) {
                throw new IllegalArgumentException("chunks, batch and runs must be at least 1");
            }
        }
    }

    /** The figures, and why the GPU was not measured when it was not. */
    record Report(Map<String, String> machine, Settings settings, List<Metric> metrics, Optional<String> gpuSkipped) {
        String table() {
            StringBuilder out = new StringBuilder(String.format("%-10s %-24s %10s %10s %10s  %s%n", "scenario",
                    "figure", "median", "min", "max", "unit"));
            for (Metric m : metrics) {
                out.append(String.format("%-10s %-24s %10s %10s %10s  %s%n", m.scenario(), m.name(),
                        Metric.format(m.median()), Metric.format(m.min()), Metric.format(m.max()), m.unit()));
            }
            gpuSkipped.ifPresent(reason -> out.append("GPU not measured: ").append(reason).append('\n'));
            return out.toString();
        }

        void writeJson() throws IOException {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("machine", machine);
            document.put("settings", Map.of("chunks", settings.chunks(), "batch", settings.batch(),
                    "runs", settings.runs()));
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
        List<Metric> metrics = new ArrayList<>();
        Optional<String> gpuSkipped = Optional.empty();
        try (Standalone gale = Standalone.start(new Standalone.Options(home, 0, 0, 2,
                Map.of("logging.level.dev.gale", "WARN"), inventory))) {
            GaleClient client = new GaleClient(gale.httpPort(), gale.createdAdminToken().orElseThrow());
            progress.accept("embed on CPU");
            metrics.add(Metric.of("embed", "chunks/s on CPU", "chunks/s", rates(client, BenchmarkDags.EMBED_CPU)));
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

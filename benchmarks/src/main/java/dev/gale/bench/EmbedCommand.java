package dev.gale.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./gale bench embed}: chunks per second of the local embedding model, on CPU and on a GPU if there is
 * one, and Gale's whole {@code rag_ingest} in tokens per second beside the raw ONNX limit.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Embeds the same deterministic chunks through common.llm with the local model"
                + " (all-minilm-l6-v2) in a task on a fresh standalone's CPU worker and, where nvidia-smi finds a"
                + " GPU, on its GPU worker with CUDA; prints chunks per second (or why the GPU was skipped). Then"
                + " ingests copies of a corpus with rag_ingest and embeds the same chunks in a raw ONNX Runtime"
                + " loop, and prints both in tokens per second with their ratio. Writes a JSON report.")
final class EmbedCommand implements Callable<Integer> {
    @Option(names = "--chunks", description = "Chunks embedded per run (default ${DEFAULT-VALUE}).")
    int chunks = 10_000;

    @Option(names = "--batch", description = "Chunks per embedding call (default ${DEFAULT-VALUE}).")
    int batch = 64;

    @Option(names = "--runs", description = "Measured runs on each device (default ${DEFAULT-VALUE}).")
    int runs = 1;

    @Option(names = "--corpus", description = "The documents rag_ingest ingests (default ${DEFAULT-VALUE}).")
    Path corpus = Path.of("examples/docs");

    @Option(names = "--copies", description = "Copies of the corpus per ingestion (default ${DEFAULT-VALUE}).")
    int copies = 8;

    @Option(names = "--output", description = "The JSON report (default ${DEFAULT-VALUE}).")
    Path output = Path.of("gale-bench-embed.json");

    @Override
    public Integer call() throws Exception {
        EmbedBenchmark.Settings settings = new EmbedBenchmark.Settings(chunks, batch, runs, corpus, copies, output);
        EmbedBenchmark.Report report = new EmbedBenchmark(settings)
                .run(step -> System.err.printf("gale bench embed: %s... (load average %.2f)%n", step,
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        System.out.println(report.machine());
        System.out.print(report.table());
        report.writeJson();
        System.out.println("JSON report: " + output.toAbsolutePath());
        return 0;
    }
}

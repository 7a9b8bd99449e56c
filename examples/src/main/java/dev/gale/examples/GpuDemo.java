package dev.gale.examples;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.sdk.Resources;
import dev.gale.sdk.Task;
import dev.gale.sdk.TypeToken;
import java.util.Arrays;
import java.util.List;

/**
 * Selective GPU execution: nine CPU tasks and one GPU task in an ingestion pipeline. Only
 * {@code embed} asks for a GPU (one of at least 16 GB), so only a GPU worker runs it, pinned to
 * the GPU it was given; everything else stays on CPU workers. The embedding here is a stand-in
 * computed on the CPU: the task shows the routing and the pinning, not CUDA.
 */
public final class GpuDemo {
    private static final TypeToken<List<String>> CHUNKS = new TypeToken<>() { };

    private GpuDemo() {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("gpu_demo")
                .description("Nine CPU tasks and one GPU task: only 'embed' goes to a GPU worker.")
                .owner("gale")
                .tags("example", "gpu")
                .param(Param.string("text").defaultValue("Keep the main execution on CPUs. Send only the few tasks"
                        + " that need one to GPUs. A GPU worker may run on a remote cluster.")
                        .description("The document to ingest"));
        Task<String> fetch = dag.task("fetch", String.class, ctx -> ctx.param("text", String.class));
        Task<String> clean = dag.task("clean", String.class, fetch, f -> f.strip().replaceAll("\\s+", " "));
        Task<String> detectLanguage = dag.task("detect_language", String.class, clean, c -> "en");
        Task<List<String>> chunk = dag.task("chunk", CHUNKS, clean, c -> Arrays.stream(c.split("(?<=\\.) ")).toList());
        Task<List<String>> dedupe = dag.task("dedupe", CHUNKS, chunk, c -> c.stream().distinct().toList());
        Task<Embedded> embed = dag.task("embed", Embedded.class, dedupe, (ctx, chunks) -> {
            ctx.log("embedding " + chunks.size() + " chunks on GPU(s) " + ctx.gpus());
            return new Embedded(chunks.stream().map(GpuDemo::vector).toList(), ctx.gpus());
        }).resources(Resources.cpus(1).memoryMb(2048).withGpus(1).gpuMemoryMb(16_384));
        Task<Integer> index = dag.task("index", Integer.class, embed, e -> e.vectors().size());
        Task<Integer> validate = dag.task("validate", Integer.class, index, indexed -> {
            if (indexed == 0) {
                throw new IllegalStateException("nothing was indexed");
            }
            return indexed;
        });
        Task<String> report = dag.task("report", String.class, validate, detectLanguage, embed,
                (indexed, language, e) -> "indexed " + indexed + " chunks in '" + language + "'; embed ran on GPU(s) "
                        + e.gpus());
        dag.task("notify", String.class, report, (ctx, r) -> {
            ctx.log(r);
            return "notified";
        });
        return dag.result(report).build();
    }

    /** What {@code embed} returns: one vector per chunk, and the GPUs it ran on. */
    public record Embedded(List<List<Double>> vectors, List<Integer> gpus) {
    }

    /** A tiny deterministic vector for a chunk: its length, word count and vowel share. */
    private static List<Double> vector(String chunk) {
        long vowels = chunk.toLowerCase().chars().filter(c -> "aeiou".indexOf(c) >= 0).count();
        return List.of((double) chunk.length(), (double) chunk.split(" ").length,
                chunk.isEmpty() ? 0 : (double) vowels / chunk.length());
    }
}

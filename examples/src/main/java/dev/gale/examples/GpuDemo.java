package dev.gale.examples;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.sdk.TaskBuilder;
import java.util.Arrays;
import java.util.List;

/**
 * Selective GPU execution: nine CPU tasks and one GPU task in an ingestion pipeline. Only
 * {@code embed} asks for a GPU (one of at least 16 GB), so only a GPU worker runs it, pinned to
 * the GPU it was given; everything else stays on CPU workers. The embedding here is a stand-in
 * computed on the CPU: the task shows the routing and the pinning, not CUDA.
 */
public final class GpuDemo {
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
        TaskBuilder fetch = dag.task("fetch", ctx -> ctx.param("text", String.class));
        TaskBuilder clean = dag.task("clean", ctx -> ctx.input("fetch", String.class).strip().replaceAll("\\s+", " "));
        TaskBuilder detectLanguage = dag.task("detect_language", ctx -> "en");
        TaskBuilder chunk = dag.task("chunk", ctx -> Arrays.stream(ctx.input("clean", String.class).split("(?<=\\.) "))
                .toList());
        TaskBuilder dedupe = dag.task("dedupe", ctx -> ctx.inputs("chunk", String.class).stream().distinct().toList());
        TaskBuilder embed = dag.task("embed", ctx -> {
            List<String> chunks = ctx.inputs("dedupe", String.class);
            ctx.log("embedding " + chunks.size() + " chunks on GPU(s) " + ctx.gpus());
            return new Embedded(chunks.stream().map(GpuDemo::vector).toList(), ctx.gpus());
        }).resources(1, 2048, 1, 16_384);
        TaskBuilder index = dag.task("index", ctx -> ctx.input("embed", Embedded.class).vectors().size());
        TaskBuilder validate = dag.task("validate", ctx -> {
            int indexed = ctx.input("index", Integer.class);
            if (indexed == 0) {
                throw new IllegalStateException("nothing was indexed");
            }
            return indexed;
        });
        TaskBuilder report = dag.task("report", ctx -> "indexed " + ctx.input("validate", Integer.class)
                + " chunks in '" + ctx.input("detect_language", String.class) + "'; embed ran on GPU(s) "
                + ctx.input("embed", Embedded.class).gpus());
        TaskBuilder notify = dag.task("notify", ctx -> {
            ctx.log(ctx.input("report", String.class));
            return "notified";
        });
        fetch.then(clean).then(chunk).then(dedupe).then(embed).then(index).then(validate).then(report).then(notify);
        clean.then(detectLanguage).then(report);
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

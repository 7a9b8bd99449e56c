package dev.gale.api;

import dev.gale.llm.CommonLlm;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.ModelNeeds;
import dev.gale.sdk.Param;
import dev.gale.sdk.TaskContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** DAGs for the GPU routing tests; in the test DAG bundle jar with {@link TestDags}. */
public final class TestDagsGpu implements DagBundle {
    static final String EMBED_FALLBACK = "gpu_embed_fallback_for_tests";
    static final String EMBED_REQUIRED = "gpu_embed_required_for_tests";
    static final List<String> CHUNKS = List.of("GPUs embed chunks quickly.", "The canteen opens at noon.");

    @Override
    public List<Dag> dags() {
        return List.of(routing(), oneGpuTask(), tooBig(), embedOnGpu(EMBED_FALLBACK, null),
                embedOnGpu(EMBED_REQUIRED, ModelNeeds.GpuFallback.FAIL));
    }

    /**
     * Eight CPU tasks, twelve GPU tasks of 20,000 MiB (every fourth fails, as a CUDA error would) and
     * one GPU task of 40,000 MiB, all independent. Each task returns the GPUs it was given and when its
     * code began and ended, in epoch milliseconds.
     */
    private static Dag routing() {
        DagBuilder dag = Dag.builder("gpu_routing_for_tests")
                .param(Param.array("cpuItems").defaultValue(IntStream.range(0, 8).boxed().toList()))
                .param(Param.array("gpuItems").defaultValue(IntStream.range(0, 12).boxed().toList()))
                .param(Param.number("seconds").defaultValue(0.4));
        dag.task("cpu", TestDagsGpu::work).expandParam("cpuItems");
        dag.task("gpu", ctx -> {
            int item = ctx.item(Integer.class);
            if (item % 4 == 3) {
                Thread.sleep((long) (ctx.param("seconds", Double.class) * 1000));
                throw new IllegalStateException("CUDA error: out of memory (item " + item + ")");
            }
            return work(ctx);
        }).expandParam("gpuItems").resources(0, 0, 1, 20_000);
        dag.task("big_gpu", TestDagsGpu::work).resources(0, 0, 1, 40_000);
        return dag.build();
    }

    private static Map<String, Object> work(TaskContext ctx) throws InterruptedException {
        long start = System.currentTimeMillis();
        Thread.sleep((long) (ctx.param("seconds", Double.class) * 1000));
        return Map.of("gpus", ctx.gpus(), "start", start, "end", System.currentTimeMillis());
    }

    /** One GPU task that runs {@code seconds} and may be retried once (its worker may be killed). */
    private static Dag oneGpuTask() {
        DagBuilder dag = Dag.builder("one_gpu_task_for_tests").param(Param.number("seconds").defaultValue(4));
        var train = dag.task("train", ctx -> {
            ctx.log("training on GPU(s) " + ctx.gpus() + ", attempt " + ctx.attempt());
            Thread.sleep((long) (ctx.param("seconds", Double.class) * 1000));
            return ctx.gpus();
        }).resources(0, 0, 1, 0).retries(1, Duration.ZERO);
        return dag.result(train).build();
    }

    /** A task asking for a GPU larger than any test worker declares. */
    private static Dag tooBig() {
        DagBuilder dag = Dag.builder("too_big_gpu_for_tests");
        dag.task("huge", ctx -> "never").resources(0, 0, 1, 204_800);
        return dag.build();
    }

    /**
     * One GPU task that embeds {@link #CHUNKS} through common.llm, with the default GPU fallback (null) or
     * another; it returns the vectors.
     */
    private static Dag embedOnGpu(String dagId, ModelNeeds.GpuFallback fallback) {
        DagBuilder dag = Dag.builder(dagId);
        ModelNeeds needs = ModelNeeds.embedding();
        if (fallback != null) {
            needs.whenGpuUnavailable(fallback);
        }
        var embed = dag.task("embed", ctx -> CommonLlm.forTask(ctx).embed(CHUNKS)).resources(0, 0, 1, 0).llm(needs);
        return dag.result(embed).build();
    }
}

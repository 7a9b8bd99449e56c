package dev.gale.bench;

import dev.gale.llm.CommonLlm;
import dev.gale.llm.Llm;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.ModelNeeds;
import dev.gale.sdk.Param;
import dev.gale.sdk.TaskBuilder;
import dev.gale.sdk.TaskContext;
import dev.gale.sdk.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The benchmark's DAGs, found through ServiceLoader. The orchestration scenarios' tasks do almost nothing, so
 * what is measured is Gale; the embed scenario's task measures the local embedding model.
 */
public final class BenchmarkDags implements DagBundle {
    static final String CHAIN40 = "bench_chain40";
    static final String FAN = "bench_fan";
    static final String SYNC3 = "bench_sync3";
    static final String ADHOC5 = "bench_adhoc5";
    static final String EMBED_CPU = "bench_embed_cpu";
    static final String EMBED_GPU = "bench_embed_gpu";
    static final String DEFER_FAN = "bench_defer_fan";
    static final String DEFER_TIME = "bench_defer_time";
    static final String DEFER_ASSET = "bench_defer_asset";
    static final String DEFER_EVENT = "bench_defer_event";
    static final String PUBLISH_ASSET = "bench_publish_asset";
    static final String DEFER_ASSET_NAME = "bench://deferral";
    /** Long enough that no wait of the defer scenario ends by timing out. */
    private static final Duration DEFER_TIMEOUT = Duration.ofMinutes(30);
    /** fib(10), what each task of the windmill.dev benchmark computes. */
    static final long FIB_10 = 55;

    @Override
    public List<Dag> dags() {
        return List.of(chain40(), fan(), sync3(), adhoc5(), embed(EMBED_CPU, false), embed(EMBED_GPU, true),
                deferFan(), deferOne(Dag.builder(DEFER_TIME).param(Param.string("at").required()
                        .description("When the time trigger fires")),
                        ctx -> Trigger.at(Instant.parse(ctx.param("at", String.class)))),
                deferOne(Dag.builder(DEFER_ASSET), ctx -> Trigger.assetVersion(DEFER_ASSET_NAME)),
                deferOne(Dag.builder(DEFER_EVENT), ctx -> Trigger.externalEvent("bench-" + ctx.runId())),
                publishAsset());
    }

    /**
     * One task that embeds the scenario's chunks through common.llm in batches, as a RAG ingestion's
     * embedding task does, and returns how long the embedding took (after a first batch that loads the
     * model). The GPU variant asks for a GPU and fails rather than quietly measuring the CPU.
     */
    private static Dag embed(String dagId, boolean onGpu) {
        DagBuilder dag = Dag.builder(dagId).tags("benchmark")
                .description("Embeds 'chunks' deterministic chunks with the local model on the "
                        + (onGpu ? "GPU" : "CPU") + ", 'batch' at a time.")
                .param(Param.integer("chunks").defaultValue(10_000).description("How many chunks"))
                .param(Param.integer("batch").defaultValue(64).description("Chunks per embedding call"));
        ModelNeeds needs = ModelNeeds.embedding();
        TaskBuilder embed = dag.task("embed", BenchmarkDags::embedChunks);
        if (onGpu) {
            needs.whenGpuUnavailable(ModelNeeds.GpuFallback.FAIL);
            embed.resources(0, 0, 1, 0);
        }
        embed.llm(needs);
        return dag.result(embed).build();
    }

    private static Map<String, Object> embedChunks(TaskContext ctx) {
        int count = ctx.param("chunks", Integer.class);
        int batch = ctx.param("batch", Integer.class);
        List<String> chunks = EmbedChunks.generate(count);
        Llm llm = CommonLlm.forTask(ctx);
        llm.embed(chunks.subList(0, Math.min(batch, count)));
        long start = System.nanoTime();
        int dimensions = 0;
        for (int from = 0; from < count; from += batch) {
            dimensions = llm.embed(chunks.subList(from, Math.min(count, from + batch))).getFirst().length;
        }
        return Map.of("chunks", count, "seconds", (System.nanoTime() - start) / 1e9, "dimensions", dimensions);
    }

    private static Dag chain40() {
        DagBuilder dag = Dag.builder(CHAIN40).description("40 sequential tasks, each computing fib(10).")
                .tags("benchmark");
        TaskBuilder previous = null;
        for (int i = 1; i <= 40; i++) {
            TaskBuilder task = dag.task("fib_" + i, ctx -> fib(10));
            if (previous != null) {
                previous.then(task);
            }
            previous = task;
        }
        return dag.result(previous).build();
    }

    private static Dag fan() {
        DagBuilder dag = Dag.builder(FAN).description("Maps a no-op over 'count' elements, then counts the outputs.")
                .tags("benchmark")
                .param(Param.integer("count").defaultValue(10_000).description("How many mapped task instances"));
        var elements = dag.task("elements", ctx -> IntStream.range(0, ctx.param("count", Integer.class)).boxed().toList());
        var noop = dag.task("noop", ctx -> ctx.mapIndex()).expand(elements);
        var reduce = dag.task("reduce", ctx -> ctx.inputs("noop", Integer.class).size());
        elements.then(noop);
        noop.then(reduce);
        return dag.result(reduce).build();
    }

    private static Dag sync3() {
        DagBuilder dag = Dag.builder(SYNC3).description("Three sequential tasks, triggered synchronously.")
                .tags("benchmark");
        var first = dag.task("first", ctx -> 1);
        var second = dag.task("second", ctx -> ctx.input("first", Integer.class) + 1);
        var third = dag.task("third", ctx -> ctx.input("second", Integer.class) + 1);
        first.then(second);
        second.then(third);
        return dag.result(third).build();
    }

    private static Dag adhoc5() {
        return diamond(Dag.builder(ADHOC5).description("One task, three in parallel, one that joins them.")
                .tags("benchmark"));
    }

    /** Five tasks in a diamond: one, three in parallel, one that joins them (its result is 3). */
    static Dag diamond(DagBuilder dag) {
        var start = dag.task("start", ctx -> 1);
        var join = dag.task("join", ctx -> ctx.input("left", Integer.class) + ctx.input("middle", Integer.class)
                + ctx.input("right", Integer.class));
        for (String branch : List.of("left", "middle", "right")) {
            var task = dag.task(branch, ctx -> ctx.input("start", Integer.class));
            start.then(task);
            task.then(join);
        }
        return dag.result(join).build();
    }

    /** Maps a task over 'count' elements that each defer on the run's external event, then counts them. */
    private static Dag deferFan() {
        DagBuilder dag = Dag.builder(DEFER_FAN).tags("benchmark")
                .description("Maps a task over 'count' elements, each deferring on the external event bench-<runId>.")
                .param(Param.integer("count").defaultValue(1_000).description("How many deferred task instances"));
        var elements = dag.task("elements", ctx -> IntStream.range(0, ctx.param("count", Integer.class)).boxed().toList());
        var wait = dag.task("wait", ctx -> {
            ctx.defer(Trigger.externalEvent("bench-" + ctx.runId()), DEFER_TIMEOUT);
            return ctx.mapIndex();
        }).expand(elements);
        var reduce = dag.task("reduce", ctx -> ctx.inputs("wait", Integer.class).size());
        elements.then(wait);
        wait.then(reduce);
        return dag.result(reduce).build();
    }

    /** One task that defers once on the trigger and then returns 1: its resumed start is what is timed. */
    private static Dag deferOne(DagBuilder dag, Function<TaskContext, Trigger> trigger) {
        dag.tags("benchmark").description("One task that defers once, then returns 1.");
        var wait = dag.task("wait", ctx -> {
            ctx.defer(trigger.apply(ctx), DEFER_TIMEOUT);
            return 1;
        });
        return dag.result(wait).build();
    }

    private static Dag publishAsset() {
        DagBuilder dag = Dag.builder(PUBLISH_ASSET).tags("benchmark")
                .description("Publishes a version of " + DEFER_ASSET_NAME + ".");
        var publish = dag.task("publish", ctx -> ctx.emitAsset(DEFER_ASSET_NAME, Map.of())).writes(DEFER_ASSET_NAME);
        return dag.result(publish).build();
    }

    static long fib(int n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }
}

package dev.gale.llm;

import dev.gale.sdk.LlmAccess;
import dev.gale.sdk.TaskContext;
import dev.gale.sdk.spec.LlmSpec;
import dev.gale.sdk.spec.TaskSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gale's {@code common.llm}: the entry point for task code.
 * <pre>{@code
 * dag.task("summarize", ctx -> {
 *     Llm llm = CommonLlm.forTask(ctx);
 *     return llm.chat("You summarize support tickets.", ctx.param("ticket", String.class));
 * }).llm(ModelNeeds.chat().minQuality(2).maxPricePer1k(0.01));
 * }</pre>
 * The model is chosen from the deployment's catalog (fetched from the API server through the
 * worker) by the task's {@code llm(...)} needs; a run's conf may override it for experiments:
 * {@code {"llm": {"model": "openai/gpt-4o", "tasks": ["summarize"], "budgetUsd": 0.50}}} ({@code tasks}
 * limits the override to those tasks; {@code budgetUsd} caps what the run's calls may cost).
 * <p>In a task that asked for a GPU, the local embedding model runs on CUDA on the attempt's GPU; when
 * CUDA cannot be initialised there it runs on the CPU and the task log says why, or, with
 * {@code ModelNeeds.embedding().whenGpuUnavailable(GpuFallback.FAIL)}, the task fails with the reason.
 */
public final class CommonLlm {
    private CommonLlm() {
    }

    public static Llm forTask(TaskContext ctx) {
        return forTask(ctx, runSettings(ctx.params().get("llm"), ctx.taskId()));
    }

    /**
     * As {@link #forTask(TaskContext)}, but every call goes to {@code model} (a catalog id such as
     * {@code openai/gpt-4o}), as a conf {@code llm.model} would send them: for a task that compares models itself.
     * The task's needs still hold (a model that breaks one fails the task saying why), and so does the run's budget.
     */
    public static Llm forTask(TaskContext ctx, String model) {
        return forTask(ctx, new TaskLlm.RunSettings(Optional.of(model),
                runSettings(ctx.params().get("llm"), ctx.taskId()).budgetUsd()));
    }

    private static Llm forTask(TaskContext ctx, TaskLlm.RunSettings run) {
        LlmAccess access = ctx.llmAccess();
        TaskSpec task = access.task();
        LlmSpec spec = task.llm();
        boolean onGpuWorker = task.resources().gpu() > 0;
        LlmCatalog catalog = LlmCatalog.parse(access.catalogJson());
        return new TaskLlm(access, ctx::log, catalog, ModelRequirements.of(spec, onGpuWorker),
                run, spec == null || spec.replay(),
                LocalDevice.of(onGpuWorker ? ctx.gpus() : List.of(), spec), ctx);
    }

    /** Reads the conf's {@code llm} object; a malformed one fails the task with what to write instead. */
    static TaskLlm.RunSettings runSettings(Object llmConf, String taskId) {
        if (llmConf == null) {
            return new TaskLlm.RunSettings(Optional.empty(), Optional.empty());
        }
        if (!(llmConf instanceof Map<?, ?> conf)) {
            throw new LlmException("conf \"llm\" must be an object such as {\"model\": \"openai/gpt-4o\","
                    + " \"tasks\": [\"" + taskId + "\"], \"budgetUsd\": 0.5}");
        }
        Object model = conf.get("model");
        Object tasks = conf.get("tasks");
        Object budget = conf.get("budgetUsd");
        if (model != null && !(model instanceof String)) {
            throw new LlmException("conf llm.model must be a catalog model id such as \"openai/gpt-4o\"");
        }
        if (tasks != null && !(tasks instanceof List<?>)) {
            throw new LlmException("conf llm.tasks must be a list of task ids, e.g. [\"" + taskId + "\"]");
        }
        if (budget != null && !(budget instanceof Number)) {
            throw new LlmException("conf llm.budgetUsd must be a number of US dollars, e.g. 0.5");
        }
        boolean overridesThisTask = model != null && (tasks == null || ((List<?>) tasks).contains(taskId));
        return new TaskLlm.RunSettings(overridesThisTask ? Optional.of((String) model) : Optional.empty(),
                Optional.ofNullable(budget).map(b -> ((Number) b).doubleValue()));
    }
}

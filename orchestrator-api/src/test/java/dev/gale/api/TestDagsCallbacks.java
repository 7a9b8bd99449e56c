package dev.gale.api;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.Param;
import dev.gale.sdk.RunCallbackContext;
import dev.gale.sdk.TaskCallbackContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * DAGs whose task and run callbacks record, in this JVM, every call with the context they saw
 * (CallbacksIT). The test worker runs in the test's JVM, so the records are the worker's.
 */
public final class TestDagsCallbacks implements DagBundle {
    /** One line per task callback call: "dag run task mapIndex attempt outcome error params logicalDate". */
    static final List<String> TASK_CALLS = new CopyOnWriteArrayList<>();
    /** Every run callback call, with the context it saw. */
    static final List<RunCall> RUN_CALLS = new CopyOnWriteArrayList<>();
    /** How many times each run's failure callback was called: its first call throws. */
    static final Map<String, AtomicInteger> FAILURE_CALLS = new ConcurrentHashMap<>();

    record RunCall(String event, String dagId, String runId, String state, List<RunCallbackContext.FailedTask> failed,
                   Map<String, Object> params, int attempt) {
    }

    @Override
    public List<Dag> dags() {
        return List.of(retried(), succeeding(), throwing(), late());
    }

    private static void record(TaskCallbackContext ctx) {
        TASK_CALLS.add(String.join(" ", ctx.dagId(), ctx.runId(), ctx.taskId(), Integer.toString(ctx.mapIndex()),
                Integer.toString(ctx.attempt()), ctx.outcome().name(), ctx.error().orElse("-"),
                String.valueOf(ctx.params().get("who")),
                ctx.logicalDate().map(Object::toString).orElse("-")));
        ctx.log("callback saw " + ctx.outcome());
    }

    private static void record(RunCallbackContext ctx) {
        RUN_CALLS.add(new RunCall(ctx.event().wireName(), ctx.dagId(), ctx.runId(), ctx.state(), ctx.failedTasks(),
                ctx.params(), ctx.attempt()));
    }

    /** A task that always fails, twice retried: onRetry twice, then onFailure; the run's failure callback throws once. */
    private static Dag retried() {
        DagBuilder d = Dag.builder("callbacks_retried_for_tests")
                .description("Fails three times; its callbacks record what they saw.")
                .param(Param.string("who").defaultValue("nobody"))
                .onRunFailure(ctx -> {
                    record(ctx);
                    if (FAILURE_CALLS.computeIfAbsent(ctx.runId(), r -> new AtomicInteger()).incrementAndGet() == 1) {
                        throw new IllegalStateException("the pager is down");
                    }
                })
                .onRunSuccess(TestDagsCallbacks::record);
        d.task("flaky", ctx -> {
            throw new IllegalStateException("attempt " + ctx.attempt() + " broke");
        }).retries(2, Duration.ofMillis(100)).onRetry(TestDagsCallbacks::record).onFailure(TestDagsCallbacks::record)
                .onSuccess(TestDagsCallbacks::record);
        return d.build();
    }

    /** A typed task that succeeds: only onSuccess, then the run's success callback. */
    private static Dag succeeding() {
        DagBuilder d = Dag.builder("callbacks_success_for_tests").description("Succeeds; its callbacks record it.")
                .param(Param.string("who").defaultValue("nobody"))
                .onRunSuccess(TestDagsCallbacks::record).onRunFailure(TestDagsCallbacks::record);
        d.task("ok", String.class, ctx -> "fine").onSuccess(TestDagsCallbacks::record)
                .onFailure(TestDagsCallbacks::record).onRetry(TestDagsCallbacks::record);
        return d.build();
    }

    /** Callbacks that throw or hang: neither changes the task's outcome, nor holds its slot past the timeout. */
    private static Dag throwing() {
        DagBuilder d = Dag.builder("callbacks_throwing_for_tests").description("Its callbacks throw and hang.");
        d.task("ok", ctx -> "fine").onSuccess(ctx -> {
            throw new IllegalStateException("the chat webhook is down");
        });
        d.task("fails", ctx -> {
            throw new IllegalArgumentException("bad input");
        }).onFailure(ctx -> {
            throw new IllegalStateException("the failure callback broke too");
        });
        d.task("hangs", ctx -> "fine").callbackTimeout(Duration.ofSeconds(1)).onSuccess(ctx -> Thread.sleep(60_000));
        return d.build();
    }

    /** Outlives its deadline of one second from its trigger, then succeeds. */
    private static Dag late() {
        DagBuilder d = Dag.builder("callbacks_late_for_tests").description("Misses its deadline.")
                .deadlineFromTrigger(Duration.ofSeconds(1)).onDeadlineMissed(TestDagsCallbacks::record);
        d.task("slow", ctx -> {
            Thread.sleep(4_000);
            return "done";
        });
        return d.build();
    }
}

package dev.gale.api;

import dev.gale.llm.CommonLlm;
import dev.gale.llm.Llm;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.ModelNeeds;
import dev.gale.sdk.Notifier;
import dev.gale.sdk.Task;
import dev.gale.sdk.Param;
import dev.langchain4j.agent.tool.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** DAGs only the API tests need, found through ServiceLoader beside the examples. */
public final class TestDags implements DagBundle {
    /** Counted down when the in-process task of stoppable_for_tests sees its thread interrupted. */
    public static final CountDownLatch INTERRUPTED = new CountDownLatch(1);

    @Override
    public List<Dag> dags() {
        DagBuilder slow = Dag.builder("slow_for_tests").description("Sleeps, so a short wait ends before the run.")
                .tags("test", "slow");
        var nap = slow.task("nap", ctx -> {
            Thread.sleep(1_500);
            return "rested";
        });

        DagBuilder sleepy = Dag.builder("sleepy_for_tests").description("Runs long enough to be cancelled.")
                .tags("test", "slow").deadlineFromTrigger(Duration.ofSeconds(1));
        var sleep = sleepy.task("sleep", ctx -> {
            Thread.sleep(10_000);
            return "woke";
        });

        DagBuilder fragile = Dag.builder("fails_first_attempt_for_tests")
                .description("Fails on its first attempt and succeeds once cleared.").tags("test");
        var flaky = fragile.task("flaky", ctx -> {
            if (ctx.attempt() == 1) {
                throw new IllegalStateException("the first attempt always fails");
            }
            return "recovered";
        });
        var after = fragile.task("after", ctx -> ctx.input("flaky", String.class) + " and done");
        flaky.then(after);

        DagBuilder secretive = Dag.builder("secret_for_tests").description("Logs its secret param, which must not show.")
                .param(Param.string("apiKey").required().secret());
        secretive.task("use_key", ctx -> {
            ctx.log("calling the API with key " + ctx.param("apiKey", String.class));
            return "called";
        });

        DagBuilder chatty = Dag.builder("chatty_for_tests").description("Logs a line every 200 ms for 2 s.");
        chatty.task("talk", ctx -> {
            for (int i = 1; i <= 10; i++) {
                ctx.log("line " + i);
                Thread.sleep(200);
            }
            return "said 10 lines";
        });
        DagBuilder retriedByHand = Dag.builder("flaky_for_tests")
                .description("One task with one retry, run by hand in tests.");
        retriedByHand.task("work", ctx -> "worked").retries(1, Duration.ZERO);
        DagBuilder stoppable = Dag.builder("stoppable_for_tests").description("Runs until stopped, in and out of process.");
        stoppable.task("wait", ctx -> {
            try {
                Thread.sleep(60_000);
                return "never stopped";
            } catch (InterruptedException e) {
                INTERRUPTED.countDown();
                throw e;
            }
        });
        stoppable.command("sleeper", "sleep", "41.5");
        DagBuilder clock = Dag.builder("clock_for_tests").description("Returns when it started, in epoch microseconds.");
        var now = clock.task("now", ctx -> {
            Instant started = Instant.now();
            return started.getEpochSecond() * 1_000_000 + started.getNano() / 1_000;
        });
        return List.of(slow.result(nap).build(), sleepy.result(sleep).build(), fragile.result(after).build(),
                secretive.build(), chatty.build(), retriedByHand.build(), marked(), stoppable.build(), clock.result(now).build(),
                llmRetried(), llmAgent(), llmConfidential(), llmBudgeted(), emitsUndeclaredAsset(), ledgered(), notified(),
                pooled());
    }

    /**
     * Four tasks (extract, then transform_a and transform_b, then load) with retries, each of which appends
     * "S|E runId taskId attempt pid epochMs" to the file named by param ledger when it starts and ends, so
     * that the chaos test measures executions instead of assuming them.
     */
    private static Dag ledgered() {
        DagBuilder dag = Dag.builder("ledger_for_tests")
                .param(Param.string("ledger").defaultValue("/dev/null"))
                .param(Param.string("request").defaultValue(""));
        var extract = dag.task("extract", TestDags::ledgerEntry).retries(3, Duration.ofMillis(200));
        var transformA = dag.task("transform_a", TestDags::ledgerEntry).retries(3, Duration.ofMillis(200));
        var transformB = dag.task("transform_b", TestDags::ledgerEntry).retries(3, Duration.ofMillis(200));
        var load = dag.task("load", TestDags::ledgerEntry).retries(3, Duration.ofMillis(200));
        extract.then(transformA);
        extract.then(transformB);
        transformA.then(load);
        transformB.then(load);
        return dag.result(load).build();
    }

    private static String ledgerEntry(dev.gale.sdk.TaskContext ctx) throws Exception {
        Path ledger = Path.of(ctx.param("ledger", String.class));
        String execution = ctx.runId() + " " + ctx.taskId() + " " + ctx.attempt() + " " + ProcessHandle.current().pid();
        // One short write per line with O_APPEND: lines of concurrent worker processes never interleave.
        Files.writeString(ledger, "S " + execution + " " + System.currentTimeMillis() + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Thread.sleep(200);
        Files.writeString(ledger, "E " + execution + " " + System.currentTimeMillis() + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return ctx.taskId();
    }

    /** The system property that points notified_for_tests's webhook at a test's receiver (NotificationsApiIT). */
    public static final String WEBHOOK_URL_PROPERTY = "gale.test.webhook-url";

    /** Fails, and tells a webhook so; its runs must finish within a minute of being triggered. */
    private static Dag notified() {
        DagBuilder d = Dag.builder("notified_for_tests").description("Fails and tells a webhook.")
                .notify(Notifier.webhook(System.getProperty(WEBHOOK_URL_PROPERTY, "http://127.0.0.1:9/none")))
                .deadlineFromTrigger(Duration.ofMinutes(1));
        d.task("break", ctx -> {
            throw new IllegalStateException("the report source is down");
        });
        return d.build();
    }

    /** A typed task in the pool warehouse, taking two of its slots: the task page shows both and its source (WebUiIT). */
    private static Dag pooled() {
        DagBuilder dag = Dag.builder("pooled_for_tests").description("One task that takes two warehouse slots.");
        Task<String> query = dag.task("query", String.class, ctx -> "42 rows");
        query.builder().pool("warehouse", 2);
        return dag.result(query).build();
    }

    /** Asks a model, then fails its first attempt: the retry must replay the call (LlmUsageIT). */
    private static Dag llmRetried() {
        DagBuilder dag = Dag.builder("llm_retry_for_tests")
                .description("Asks a model, then fails its first attempt: the retry must replay the call.");
        var ask = dag.task("ask", ctx -> {
            String answer = CommonLlm.forTask(ctx).chat("Answer in one word.", "Which planet is red?");
            if (ctx.attempt() == 1) {
                throw new IllegalStateException("the first attempt fails after paying for its call");
            }
            return answer;
        }).llm(ModelNeeds.chat().minQuality(2)).retries(1, Duration.ofMillis(100));
        return dag.result(ask).build();
    }

    /** A task's tools for an agent: one method the model may call (LlmUsageIT). */
    public static final class PlanetTools {
        @Tool("The colour of a planet")
        public String colourOf(String planet) {
            return planet.equals("Mars") ? "red" : "unknown";
        }
    }

    /** An agent that calls one tool and then answers; its first attempt fails, so the retry replays (LlmUsageIT). */
    private static Dag llmAgent() {
        DagBuilder dag = Dag.builder("llm_agent_for_tests")
                .description("An agent calls a tool, then fails its first attempt: the retry must replay both.");
        var ask = dag.task("agent", ctx -> {
            String answer = CommonLlm.forTask(ctx).agent("Use the tools.", "Which planet is red?", new PlanetTools(),
                    4).answer();
            if (ctx.attempt() == 1) {
                throw new IllegalStateException("the first attempt fails after its agent finished");
            }
            return answer;
        }).llm(ModelNeeds.chat().minQuality(2)).retries(1, Duration.ofMillis(100));
        return dag.result(ask).build();
    }

    /** A DAG-wide LLM budget of $0.0005 per run: the second call goes over it (LlmUsageIT). */
    private static Dag llmBudgeted() {
        DagBuilder dag = Dag.builder("llm_budget_for_tests").llmBudgetUsd(0.0005)
                .description("Each run may spend $0.0005 on models; its task asks twice.");
        var ask = dag.task("ask_twice", ctx -> {
            Llm llm = CommonLlm.forTask(ctx);
            return llm.chat("Answer in one word.", "Which planet is red?") + llm.chat("Again?", "Which one?");
        }).llm(ModelNeeds.chat().minQuality(2));
        return dag.result(ask).build();
    }

    /** Confidential data: only a model inside the deployment may see it (LlmUsageIT). */
    private static Dag llmConfidential() {
        DagBuilder dag = Dag.builder("llm_confidential_for_tests")
                .description("Confidential data: only a model inside the deployment may see it.");
        var redact = dag.task("redact", ctx -> CommonLlm.forTask(ctx).chat("Redact names.", "Alice earns 90k."))
                .llm(ModelNeeds.chat().confidential());
        return dag.result(redact).build();
    }

    private static Dag emitsUndeclaredAsset() {
        DagBuilder undeclared = Dag.builder("emits_undeclared_asset_for_tests")
                .description("Declares one output asset and emits another.");
        undeclared.task("emit", ctx -> ctx.emitAsset("model://not-declared", Map.of("rmse", 1.0)))
                .writes("model://declared");
        return undeclared.build();
    }

    /**
     * Appends "start ATTEMPT EPOCH_MS" to the file named by param markerFile, sleeps param seconds,
     * appends "end ATTEMPT": worker-process tests read the file to see which attempts ran when.
     */
    private static Dag marked() {
        DagBuilder dag = Dag.builder("marked_for_tests")
                .param(Param.string("markerFile").defaultValue("/dev/null"))
                .param(Param.number("seconds").defaultValue(3))
                .param(Param.number("retrySeconds").defaultValue(-1)
                        .description("How long attempts after the first sleep; negative: as long as the first"));
        var mark = dag.task("mark", ctx -> {
            Path marker = Path.of(ctx.param("markerFile", String.class));
            Files.writeString(marker, "start " + ctx.attempt() + " " + System.currentTimeMillis() + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ctx.log("marking attempt " + ctx.attempt());
            double retrySeconds = ctx.param("retrySeconds", Double.class);
            double seconds = ctx.attempt() > 1 && retrySeconds >= 0 ? retrySeconds : ctx.param("seconds", Double.class);
            Thread.sleep((long) (seconds * 1000));
            Files.writeString(marker, "end " + ctx.attempt() + "\n", StandardOpenOption.APPEND);
            return ctx.attempt();
        }).retries(1, Duration.ZERO);
        return dag.result(mark).build();
    }
}

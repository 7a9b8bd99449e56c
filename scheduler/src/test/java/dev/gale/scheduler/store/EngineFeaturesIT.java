package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.engine.RunDecider;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.sdk.TriggerRule;
import dev.gale.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Mapping, branching, pools, run limits, timeouts and scheduled runs, applied by the store on real PostgreSQL. */
class EngineFeaturesIT {
    private static JooqSchedulerStore store;
    private static RunService runs;
    private static TaskExecutionService tasks;
    private static DSLContext dsl;

    @BeforeAll
    static void setUp() {
        var dataSource = TestPostgres.newDatabase().dataSource();
        SchedulerMigrations.migrate(dataSource);
        AssetMigrations.migrate(dataSource);
        dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        store = new JooqSchedulerStore(dsl, Clock.systemUTC());
        new DagService(store, new JooqAssetRegistry(dsl), new JooqRunHistory(dsl)).sync(List.of(mapped(), branching(), pooled(), limited(),
                slow(), scheduled()));
        store.definePools(Map.of("tiny", 1));
        runs = new RunService(store, new JooqRunHistory(dsl), Clock.systemUTC());
        tasks = new TaskExecutionService(store, Clock.systemUTC());
    }

    private static Dag mapped() {
        DagBuilder d = Dag.builder("mapped").param(Param.array("numbers").defaultValue(List.of(1, 2, 3)));
        var square = d.task("square", ctx -> null).expandParam("numbers");
        var split = d.task("split", ctx -> null);
        var twice = d.task("twice", ctx -> null).expand(split);
        var sum = d.task("sum", ctx -> null);
        square.then(sum);
        twice.then(sum);
        return d.result(sum).build();
    }

    private static Dag branching() {
        DagBuilder d = Dag.builder("branching");
        var choose = d.branch("choose", ctx -> List.of("left"));
        var join = d.task("join", ctx -> null).triggerRule(TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS);
        choose.then(d.task("left", ctx -> null)).then(join);
        choose.then(d.task("right", ctx -> null)).then(join);
        return d.build();
    }

    private static Dag pooled() {
        DagBuilder d = Dag.builder("pooled").param(Param.array("items").defaultValue(List.of("a", "b", "c")));
        d.task("work", ctx -> null).expandParam("items").pool("tiny");
        return d.build();
    }

    private static Dag limited() {
        DagBuilder d = Dag.builder("one_at_a_time").maxActiveRuns(1);
        d.task("only", ctx -> null);
        return d.build();
    }

    private static Dag slow() {
        DagBuilder d = Dag.builder("slow");
        d.task("sleepy", ctx -> null).executionTimeout(Duration.ofSeconds(1));
        return d.build();
    }

    private static Dag scheduled() {
        DagBuilder d = Dag.builder("nightly").schedule("@daily");
        d.task("report", ctx -> null);
        return d.build();
    }

    /** Claims everything queued for the run and completes each with {@code output(task)}; returns how many ran. */
    private static int runQueued(String runId, Function<ClaimedTask, String> output) {
        List<ClaimedTask> claimed = tasks.claim("w", List.of("default"), 100).stream()
                .filter(t -> t.runId().equals(runId)).toList();
        for (ClaimedTask task : claimed) {
            tasks.complete(new TaskAttempt(task.taskInstanceId(), task.attempt()), output.apply(task));
        }
        return claimed.size();
    }

    private static DagRunView run(String dagId, String runId) {
        return runs.find(dagId, runId).orElseThrow();
    }

    @Test
    void mappedTasksGetOneInstancePerElementAndTheReduceSeesEveryOutputInOrder() {
        DagRunView run = runs.trigger("mapped", Map.of("numbers", List.of(4, 5)), "manual", null);
        Map<String, List<String>> seen = new java.util.HashMap<>();
        Function<ClaimedTask, String> work = t -> switch (t.taskId()) {
            case "split" -> "[10, 20, 30]";
            case "square", "twice" -> {
                seen.computeIfAbsent(t.taskId(), k -> new java.util.ArrayList<>()).add(t.mapIndex() + "=" + t.mapItemJson());
                long n = Long.parseLong(t.mapItemJson());
                yield Long.toString(t.taskId().equals("square") ? n * n : 2 * n);
            }
            case "sum" -> {
                seen.put("sum", List.of(t.upstreamOutputsJson().get("square"), t.upstreamOutputsJson().get("twice")));
                yield "\"ok\"";
            }
            default -> throw new IllegalStateException(t.taskId());
        };
        int ran;
        do {
            ran = runQueued(run.runId(), work);
        } while (ran > 0);

        assertThat(seen.get("square")).containsExactlyInAnyOrder("0=4", "1=5");
        assertThat(seen.get("twice")).containsExactlyInAnyOrder("0=10", "1=20", "2=30");
        assertThat(seen.get("sum")).containsExactly("[16,25]", "[20,40,60]");
        assertThat(run("mapped", run.runId()).state()).isEqualTo(DagRunState.SUCCESS);
    }

    @Test
    void anInstanceMappedOverATaskGetsItsElementWithoutTheWholeListWhichStaysReadable() {
        DagRunView run = runs.trigger("mapped", Map.of(), "manual", null);
        List<Map<String, String>> twiceUpstreams = new java.util.ArrayList<>();
        while (runQueued(run.runId(), t -> {
            if (t.taskId().equals("twice")) {
                twiceUpstreams.add(t.upstreamOutputsJson());
            }
            return t.taskId().equals("split") ? "[10, 20, 30]" : "1";
        }) > 0) {
            // drain
        }

        assertThat(twiceUpstreams).hasSize(3).allSatisfy(upstream -> assertThat(upstream).doesNotContainKey("split"));
        assertThat(store.readXCom(run.runId(), "split", -1, "return_value")).contains("[10, 20, 30]");
        assertThat(run("mapped", run.runId()).state()).isEqualTo(DagRunState.SUCCESS);
    }

    @Test
    void tenThousandMappedInstancesRunAndReduceInIndexOrder() {
        List<Integer> numbers = java.util.stream.IntStream.range(0, 10_000).boxed().toList();
        DagRunView run = runs.trigger("mapped", Map.of("numbers", numbers), "manual", null);
        String[] reduced = new String[1];
        while (runQueued(run.runId(), t -> switch (t.taskId()) {
            case "split" -> "[1]";
            case "sum" -> {
                reduced[0] = t.upstreamOutputsJson().get("square");
                yield "null";
            }
            default -> t.mapItemJson();
        }) > 0) {
            // drain, 100 claims at a time
        }

        assertThat(run("mapped", run.runId()).state()).isEqualTo(DagRunState.SUCCESS);
        assertThat(dsl.fetchCount(DSL.table("gale.task_instance"), DSL.field("task_id").eq("square")
                .and(DSL.field("dag_run_id").eq(run.id())))).isEqualTo(10_000);
        assertThat(reduced[0]).startsWith("[0,1,2,3,").endsWith(",9998,9999]");
    }

    @Test
    void anEmptyListSkipsTheMappedTaskAndANonListFailsItSayingWhy() {
        DagRunView empty = runs.trigger("mapped", Map.of("numbers", List.of()), "manual", null);
        while (runQueued(empty.runId(), t -> t.taskId().equals("split") ? "[]" : "1") > 0) {
            // drain
        }
        // Both mapped tasks skipped, so the all_success reduce is skipped too and the run succeeds.
        assertThat(run("mapped", empty.runId()).state()).isEqualTo(DagRunState.SUCCESS);

        DagRunView notAList = runs.trigger("mapped", Map.of(), "manual", null);
        while (runQueued(notAList.runId(), t -> t.taskId().equals("split") ? "{\"not\": \"a list\"}" : "1") > 0) {
            // drain
        }
        DagRunView failed = run("mapped", notAList.runId());
        assertThat(failed.state()).isEqualTo(DagRunState.FAILED);
        assertThat(failed.error()).contains("task 'twice' failed: task 'twice' maps over the output of task 'split',"
                + " which is not a list (got object)");
    }

    @Test
    void aBranchRunsOnlyTheChosenPathAndTheJoin() {
        DagRunView run = runs.trigger("branching", Map.of(), "manual", null);
        List<String> ran = new java.util.ArrayList<>();
        while (runQueued(run.runId(), t -> {
            ran.add(t.taskId());
            return t.taskId().equals("choose") ? "[\"left\"]" : "null";
        }) > 0) {
            // drain
        }
        assertThat(ran).containsExactly("choose", "left", "join");
        assertThat(run("branching", run.runId()).state()).isEqualTo(DagRunState.SUCCESS);
    }

    @Test
    void aBranchThatReturnsAnythingButAListOfItsDownstreamTasksFailsTheRunSayingWhatItReturned() {
        Map<String, String> outputs = Map.of("\"left\"", "branch task 'choose' returned \"left\"; a branch task"
                        + " returns a JSON array of the ids of the direct downstream tasks to follow, among [left, right]"
                        + " (an empty array follows none)",
                "[\"join\"]", "branch task 'choose' chose \"join\", which is not one of its direct downstream tasks;");
        outputs.forEach((output, error) -> {
            DagRunView run = runs.trigger("branching", Map.of(), "manual", null);
            List<String> ran = new java.util.ArrayList<>();
            while (runQueued(run.runId(), t -> {
                ran.add(t.taskId());
                return output;
            }) > 0) {
                // drain
            }
            assertThat(ran).as(output).containsExactly("choose");
            assertThat(run("branching", run.runId()).state()).isEqualTo(DagRunState.FAILED);
            var choose = store.findTaskInstance(run.runId(), "choose", -1).orElseThrow();
            assertThat(choose.state()).isEqualTo(TaskInstanceState.FAILED);
            assertThat(choose.error()).startsWith(error);
        });
    }

    @Test
    void aPoolOfOneSlotQueuesOneInstanceAtATime() {
        DagRunView run = runs.trigger("pooled", Map.of(), "manual", null);
        for (int i = 0; i < 3; i++) {
            List<ClaimedTask> claimed = tasks.claim("w", List.of("default"), 100).stream()
                    .filter(t -> t.runId().equals(run.runId())).toList();
            assertThat(claimed).as("round " + i).hasSize(1);
            tasks.complete(new TaskAttempt(claimed.getFirst().taskInstanceId(), 1), "null");
        }
        assertThat(run("pooled", run.runId()).state()).isEqualTo(DagRunState.SUCCESS);
    }

    @Test
    void maxActiveRunsKeepsLaterRunsQueuedInTriggerOrder() {
        DagRunView first = runs.trigger("one_at_a_time", Map.of(), "manual", null);
        DagRunView second = runs.trigger("one_at_a_time", Map.of(), "manual", null);
        assertThat(first.state()).isEqualTo(DagRunState.RUNNING);
        assertThat(second.state()).isEqualTo(DagRunState.QUEUED);

        runQueued(first.runId(), t -> "null");

        assertThat(run("one_at_a_time", first.runId()).state()).isEqualTo(DagRunState.SUCCESS);
        assertThat(run("one_at_a_time", second.runId()).state()).isEqualTo(DagRunState.RUNNING);
        runQueued(second.runId(), t -> "null");
        assertThat(run("one_at_a_time", second.runId()).state()).isEqualTo(DagRunState.SUCCESS);
    }

    @Test
    void anAttemptPastItsExecutionTimeoutFailsWithTheLimitInItsError() {
        DagRunView run = runs.trigger("slow", Map.of(), "manual", null);
        ClaimedTask sleepy = tasks.claim("w", List.of("default"), 100).stream()
                .filter(t -> t.runId().equals(run.runId())).findFirst().orElseThrow();

        assertThat(store.failTimedOutAttempts(Instant.now().plusSeconds(5), RunDecider::decide)).isEqualTo(1);
        assertThat(tasks.complete(new TaskAttempt(sleepy.taskInstanceId(), 1), "null").name()).isEqualTo("STALE");
        assertThat(run("slow", run.runId()).error()).contains("timed out after its execution timeout of PT1S");
    }

    @Test
    void aScheduledRunIsCreatedOncePerLogicalDate() {
        Instant midnight = Instant.parse("2026-11-21T00:00:00Z");

        DagRunView created = runs.triggerScheduled("nightly", midnight, midnight.minus(Duration.ofDays(1))).orElseThrow();
        assertThat(runs.triggerScheduled("nightly", midnight, midnight.minus(Duration.ofDays(1)))).isEmpty();
        DagRunView run = runs.find("nightly", created.runId()).orElseThrow();
        assertThat(run.runId()).as("run ids are unique across DAGs, which may fire at the same time")
                .startsWith("scheduled__20261121T000000000Z_");
        assertThat(run.runType()).isEqualTo("scheduled");
        assertThat(run.logicalDate()).isEqualTo(midnight);
    }

    @Test
    void everyStateChangeIsLogged() {
        DagRunView run = runs.trigger("branching", Map.of(), "manual", null);
        while (runQueued(run.runId(), t -> t.taskId().equals("choose") ? "[\"left\"]" : "null") > 0) {
            // drain
        }
        List<String> chooseStates = dsl.fetch("""
                select t.to_state from gale.task_instance_transition t
                join gale.task_instance ti on ti.id = t.task_instance_id
                join gale.dag_run r on r.id = ti.dag_run_id
                where r.run_id = ? and ti.task_id = 'choose' order by t.id""", run.runId())
                .getValues(0, String.class);
        assertThat(chooseStates).containsExactly("none", "queued", "running", "success");
    }
}

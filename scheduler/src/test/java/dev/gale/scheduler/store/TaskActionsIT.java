package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.RunStateConflictException;
import dev.gale.scheduler.service.TaskActionView;
import dev.gale.scheduler.service.TaskActions;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.scheduler.service.UnknownTaskException;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.testing.TestPostgres;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Clearing one task (optionally with what is downstream) and marking one success or failed, recorded, on real PostgreSQL. */
class TaskActionsIT {
    private JooqRunHistory history;
    private RunService runs;
    private TaskExecutionService tasks;
    private TaskActions actions;

    @BeforeEach
    void setUp() {
        DataSource dataSource = TestPostgres.newDatabase().dataSource();
        SchedulerMigrations.migrate(dataSource);
        AssetMigrations.migrate(dataSource);
        DSLContext dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        JooqSchedulerStore store = new JooqSchedulerStore(dsl, Clock.systemUTC());
        history = new JooqRunHistory(dsl);
        DagBuilder d = Dag.builder("etl");
        var extract = d.task("extract", ctx -> null);
        var transform = d.task("transform", ctx -> null);
        var load = d.task("load", ctx -> null);
        extract.then(transform).then(load);
        new DagService(store, new JooqAssetRegistry(dsl), history).sync(List.of(d.build()));
        runs = new RunService(store, history, Clock.systemUTC());
        tasks = new TaskExecutionService(store, Clock.systemUTC());
        actions = new TaskActions(store, new JooqTaskActionStore(dsl, Clock.systemUTC()), Clock.systemUTC());
    }

    /** Runs what is queued, failing the tasks named; returns the task ids in the order they ran. */
    private List<String> runQueued(String... failing) {
        List<String> ran = new ArrayList<>();
        for (List<ClaimedTask> claimed = tasks.claim("w", List.of("default"), 10); !claimed.isEmpty();
             claimed = tasks.claim("w", List.of("default"), 10)) {
            for (ClaimedTask task : claimed) {
                ran.add(task.taskId());
                TaskAttempt attempt = new TaskAttempt(task.taskInstanceId(), task.attempt());
                if (List.of(failing).contains(task.taskId())) {
                    tasks.fail(attempt, "bad rows", false);
                } else {
                    tasks.complete(attempt, "null");
                }
            }
        }
        return ran;
    }

    private TaskInstanceState state(DagRunView run, String taskId) {
        return history.findTaskInstance("etl", run.runId(), taskId, -1).orElseThrow().state();
    }

    private DagRunState runState(DagRunView run) {
        return runs.find("etl", run.runId()).orElseThrow().state();
    }

    @Test
    void markingAFailedTaskSuccessLetsWhatFollowsItRunAndTheRunSucceed() {
        DagRunView run = runs.trigger("etl", Map.of(), "manual", null);
        runQueued("transform");
        assertThat(state(run, "load")).isEqualTo(TaskInstanceState.UPSTREAM_FAILED);

        DagRunView marked = actions.mark("etl", run.runId(), "transform", TaskInstanceState.SUCCESS,
                "fixed the rows by hand", "ada").orElseThrow();

        assertThat(marked.state()).isEqualTo(DagRunState.RUNNING);
        assertThat(state(run, "transform")).isEqualTo(TaskInstanceState.SUCCESS);
        assertThat(runQueued()).containsExactly("load");
        assertThat(runState(run)).isEqualTo(DagRunState.SUCCESS);
        assertThat(actions.history("etl", run.runId())).extracting(TaskActionView::taskId, TaskActionView::action,
                TaskActionView::reason, TaskActionView::actor).containsExactly(tuple(
                "transform", "mark_success", "fixed the rows by hand", "ada"));
    }

    @Test
    void markingATaskFailedFailsTheRunWithWhoAndWhy() {
        DagRunView run = runs.trigger("etl", Map.of(), "manual", null);
        runQueued();

        actions.mark("etl", run.runId(), "load", TaskInstanceState.FAILED, "loaded the wrong day", "grace");

        DagRunView failed = runs.find("etl", run.runId()).orElseThrow();
        assertThat(failed.state()).isEqualTo(DagRunState.FAILED);
        assertThat(failed.error()).contains("marked failed by grace: loaded the wrong day");
    }

    @Test
    void clearingOneTaskRunsOnlyItAndClearingWithDownstreamRunsWhatFollowsToo() {
        DagRunView run = runs.trigger("etl", Map.of(), "manual", null);
        runQueued();

        actions.clear("etl", run.runId(), "transform", false, "new mapping", "ada");
        assertThat(runQueued()).containsExactly("transform");
        assertThat(runState(run)).isEqualTo(DagRunState.SUCCESS);

        actions.clear("etl", run.runId(), "extract", true, "source was late", "ada");
        assertThat(runQueued()).containsExactly("extract", "transform", "load");
        assertThat(actions.history("etl", run.runId())).extracting(TaskActionView::action)
                .containsExactly("clear", "clear_with_downstream");
    }

    @Test
    void aTaskInFlightCannotBeMarkedAndAnUnknownTaskIsNamed() {
        DagRunView run = runs.trigger("etl", Map.of(), "manual", null);
        tasks.claim("w", List.of("default"), 1);

        assertThatThrownBy(() -> actions.mark("etl", run.runId(), "extract", TaskInstanceState.SUCCESS, "r", "ada"))
                .isInstanceOf(RunStateConflictException.class).hasMessageContaining("task 'extract' of run")
                .hasMessageContaining("is running; wait for it to end, or cancel the run");
        assertThatThrownBy(() -> actions.mark("etl", run.runId(), "nope", TaskInstanceState.SUCCESS, "r", "ada"))
                .isInstanceOf(UnknownTaskException.class).hasMessage("DAG 'etl' has no task 'nope'");
        assertThat(actions.mark("etl", "no-such-run", "extract", TaskInstanceState.SUCCESS, "r", "ada")).isEmpty();
        assertThat(actions.history("etl", run.runId())).isEmpty();
    }
}

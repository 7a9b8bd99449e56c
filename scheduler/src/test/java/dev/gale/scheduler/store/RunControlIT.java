package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.IdempotencyConflictException;
import dev.gale.scheduler.service.ReportOutcome;
import dev.gale.scheduler.service.RunPage;
import dev.gale.scheduler.service.RunQuery;
import dev.gale.scheduler.service.RunRequest;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.RunStateConflictException;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskAttemptView;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.scheduler.service.TaskInstanceView;
import dev.gale.scheduler.service.TriggeredRun;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.testing.TestPostgres;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cancelling, clearing, idempotent triggers, attempt history and run paging, on a real PostgreSQL. */
class RunControlIT {
    private JooqSchedulerStore store;
    private JooqRunHistory history;
    private RunService runs;
    private TaskExecutionService tasks;

    @BeforeEach
    void setUp() {
        DataSource dataSource = TestPostgres.newDatabase().dataSource();
        SchedulerMigrations.migrate(dataSource);
        AssetMigrations.migrate(dataSource);
        var dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        store = new JooqSchedulerStore(dsl, Clock.systemUTC());
        history = new JooqRunHistory(dsl);
        DagBuilder d = Dag.builder("pipeline").param(Param.string("name").defaultValue("world"));
        var first = d.task("first", ctx -> null);
        var second = d.task("second", ctx -> null);
        var third = d.task("third", ctx -> null);
        first.then(second).then(third);
        new DagService(store, new JooqAssetRegistry(dsl), history).sync(List.of(d.result(third).build()));
        runs = new RunService(store, history, Clock.systemUTC());
        tasks = new TaskExecutionService(store, Clock.systemUTC());
    }

    private ClaimedTask claimOne() {
        List<ClaimedTask> claimed = tasks.claim("worker-1", List.of("default"), 10);
        assertThat(claimed).hasSize(1);
        return claimed.getFirst();
    }

    private TaskInstanceState stateOf(DagRunView run, String taskId) {
        return history.findTaskInstance("pipeline", run.runId(), taskId, -1).orElseThrow().state();
    }

    @Test
    void cancellingARunStopsItsRunningAttemptAndSkipsWhatHasNotStarted() {
        DagRunView run = runs.trigger("pipeline", Map.of(), "manual", null);
        ClaimedTask first = claimOne();
        TaskAttempt attempt = new TaskAttempt(first.taskInstanceId(), first.attempt());

        DagRunView cancelled = runs.cancel("pipeline", run.runId()).orElseThrow();

        assertThat(cancelled.state()).isEqualTo(DagRunState.CANCELLED);
        assertThat(tasks.heartbeat(attempt)).as("the worker is told to stop").isEqualTo(ReportOutcome.STALE);
        assertThat(tasks.complete(attempt, "null")).isEqualTo(ReportOutcome.STALE);
        assertThat(stateOf(run, "first")).isEqualTo(TaskInstanceState.FAILED);
        assertThat(stateOf(run, "second")).isEqualTo(TaskInstanceState.SKIPPED);
        assertThat(history.listAttempts("pipeline", run.runId(), "first", -1)).extracting(TaskAttemptView::state)
                .containsExactly(TaskInstanceState.FAILED);
        assertThatThrownBy(() -> runs.cancel("pipeline", run.runId()))
                .isInstanceOf(RunStateConflictException.class).hasMessageContaining("already ended (cancelled)");
    }

    @Test
    void clearingAFailedRunRunsTheFailedTaskAndItsDownstreamAgainUntilTheRunSucceeds() {
        DagRunView run = runs.trigger("pipeline", Map.of(), "manual", null);
        ClaimedTask first = claimOne();
        tasks.complete(new TaskAttempt(first.taskInstanceId(), 1), "1");
        ClaimedTask second = claimOne();
        tasks.fail(new TaskAttempt(second.taskInstanceId(), 1), "boom", false);
        assertThat(runs.find("pipeline", run.runId()).orElseThrow().state()).isEqualTo(DagRunState.FAILED);
        assertThat(stateOf(run, "third")).isEqualTo(TaskInstanceState.UPSTREAM_FAILED);

        DagRunView cleared = runs.clearFailedTasks("pipeline", run.runId()).orElseThrow();

        assertThat(cleared.state()).isEqualTo(DagRunState.RUNNING);
        assertThat(cleared.error()).isNull();
        assertThat(stateOf(run, "first")).isEqualTo(TaskInstanceState.SUCCESS);
        assertThat(stateOf(run, "second")).isEqualTo(TaskInstanceState.QUEUED);
        assertThat(stateOf(run, "third")).isEqualTo(TaskInstanceState.NONE);
        ClaimedTask again = claimOne();
        assertThat(again.attempt()).as("attempt numbers go on, so old reports stay stale").isEqualTo(2);
        tasks.complete(new TaskAttempt(again.taskInstanceId(), 2), "2");
        ClaimedTask third = claimOne();
        tasks.complete(new TaskAttempt(third.taskInstanceId(), third.attempt()), "\"done\"");
        DagRunView done = runs.find("pipeline", run.runId()).orElseThrow();
        assertThat(done.state()).isEqualTo(DagRunState.SUCCESS);
        assertThat(done.resultJson()).isEqualTo("\"done\"");
        assertThat(history.listAttempts("pipeline", run.runId(), "second", -1))
                .extracting(TaskAttemptView::attempt, TaskAttemptView::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, TaskInstanceState.FAILED),
                        org.assertj.core.groups.Tuple.tuple(2, TaskInstanceState.SUCCESS));
        assertThatThrownBy(() -> runs.clearFailedTasks("pipeline", run.runId()))
                .isInstanceOf(RunStateConflictException.class).hasMessageContaining("no failed task instances");
    }

    @Test
    void theSameIdempotencyKeyAndRequestReturnTheSameRunAndADifferentRequestIsRefused() {
        TriggeredRun created = runs.trigger(new RunRequest("pipeline", Map.of("name", "Ada"), "manual", null, "n", "k1"));
        TriggeredRun again = runs.trigger(new RunRequest("pipeline", Map.of("name", "Ada"), "manual", null, "n", "k1"));

        assertThat(created.replayed()).isFalse();
        assertThat(again.replayed()).isTrue();
        assertThat(again.run().runId()).isEqualTo(created.run().runId());
        assertThat(again.run().note()).isEqualTo("n");
        assertThatThrownBy(() -> runs.trigger(
                new RunRequest("pipeline", Map.of("name", "Grace"), "manual", null, "n", "k1")))
                .isInstanceOf(IdempotencyConflictException.class).hasMessageContaining(created.run().runId());
        assertThat(store.countRuns("pipeline")).isEqualTo(1);
    }

    @Test
    void runsArePagedNewestFirstWithACursorThatMissesNoneAndRepeatsNone() {
        List<String> triggered = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            triggered.addFirst(runs.trigger("pipeline", Map.of(), "manual", null).runId());
        }
        List<String> seen = new ArrayList<>();
        RunPage page = runs.list(new RunQuery(List.of("pipeline"), List.of(), List.of(), null, null, null, 3));
        seen.addAll(page.runs().stream().map(DagRunView::runId).toList());
        while (page.next() != null) {
            page = runs.list(new RunQuery(List.of("pipeline"), List.of(), List.of(), null, null, page.next(), 3));
            seen.addAll(page.runs().stream().map(DagRunView::runId).toList());
        }

        assertThat(seen).containsExactlyElementsOf(triggered);
        assertThat(runs.list(new RunQuery(List.of(), List.of(DagRunState.SUCCESS), List.of(), null, null, null, 10))
                .runs()).isEmpty();
    }

    @Test
    void theTaskInstancesOfARunArePagedInTaskOrder() {
        DagRunView run = runs.trigger("pipeline", Map.of(), "manual", null);

        var page = history.listTaskInstances("pipeline", run.runId(), 2, 1).orElseThrow();

        assertThat(page.totalEntries()).isEqualTo(3);
        assertThat(page.taskInstances()).extracting(TaskInstanceView::taskId).containsExactly("second", "third");
        assertThat(history.listTaskInstances("pipeline", "nope", 2, 0)).isEmpty();
    }
}

package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.ReportOutcome;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.RunWaiter;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store against a real PostgreSQL: the life of runs and attempts, fencing, retries, heartbeats, wake-ups. */
class JooqSchedulerStoreIT {
    private static JooqSchedulerStore store;
    private static RunService runs;
    private static TaskExecutionService tasks;
    private static PgNotifications notifications;

    @BeforeAll
    static void setUp() {
        TestPostgres.Database db = TestPostgres.newDatabase();
        DataSource dataSource = db.dataSource();
        SchedulerMigrations.migrate(dataSource);
        AssetMigrations.migrate(dataSource);
        var dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        store = new JooqSchedulerStore(dsl, Clock.systemUTC());
        JooqRunHistory history = new JooqRunHistory(dsl);
        new DagService(store, new JooqAssetRegistry(dsl), history)
                .sync(List.of(twoStep("two_step", 1), twoStep("fragile", 0)));
        runs = new RunService(store, history, Clock.systemUTC());
        tasks = new TaskExecutionService(store, Clock.systemUTC());
        notifications = new PgNotifications(db.jdbcUrl(), db.user(), db.password(),
                List.of(JooqSchedulerStore.RUN_FINISHED_CHANNEL));
    }

    @AfterAll
    static void tearDown() {
        notifications.close();
    }

    /** first >> second; second may be retried {@code retries} times with no delay. */
    private static Dag twoStep(String id, int retries) {
        DagBuilder d = Dag.builder(id).param(Param.string("name").defaultValue("world"));
        var first = d.task("first", ctx -> null);
        var second = d.task("second", ctx -> null).retries(retries, Duration.ZERO);
        first.then(second);
        return d.result(second).build();
    }

    private static ClaimedTask claimOne(String dagRunId) {
        List<ClaimedTask> claimed = tasks.claim("worker-1", List.of("default"), 10);
        assertThat(claimed).hasSize(1);
        assertThat(claimed.getFirst().runId()).isEqualTo(dagRunId);
        return claimed.getFirst();
    }

    @Test
    void aRunMovesThroughClaimCompleteRetryAndEndsWithItsResult() {
        DagRunView run = runs.trigger("two_step", Map.of("name", "Ada"), "manual", null);
        assertThat(run.state()).isEqualTo(DagRunState.RUNNING);

        ClaimedTask first = claimOne(run.runId());
        assertThat(first.taskId()).isEqualTo("first");
        assertThat(first.attempt()).isEqualTo(1);
        assertThat(first.paramsJson()).contains("\"name\": \"Ada\"");
        assertThat(tasks.complete(new TaskAttempt(first.taskInstanceId(), 1), "\"from first\""))
                .isEqualTo(ReportOutcome.ACCEPTED);

        ClaimedTask second = claimOne(run.runId());
        assertThat(second.taskId()).isEqualTo("second");
        assertThat(second.upstreamOutputsJson()).containsEntry("first", "\"from first\"");
        TaskAttempt attempt1 = new TaskAttempt(second.taskInstanceId(), 1);
        assertThat(tasks.fail(attempt1, "boom", false)).isEqualTo(ReportOutcome.ACCEPTED);
        assertThat(store.requeueDueRetries(Instant.now().plusSeconds(1))).isEqualTo(1);

        ClaimedTask retry = claimOne(run.runId());
        assertThat(retry.attempt()).isEqualTo(2);
        assertThat(tasks.complete(attempt1, "\"late\"")).as("a report from a stale attempt")
                .isEqualTo(ReportOutcome.STALE);
        assertThat(tasks.complete(new TaskAttempt(retry.taskInstanceId(), 2), "{\"greeting\":\"hi Ada\"}"))
                .isEqualTo(ReportOutcome.ACCEPTED);

        DagRunView done = runs.find("two_step", run.runId()).orElseThrow();
        assertThat(done.state()).isEqualTo(DagRunState.SUCCESS);
        assertThat(done.resultJson()).isEqualTo("{\"greeting\": \"hi Ada\"}");
        assertThat(done.endedAt()).isNotNull();
    }

    @Test
    void anAttemptWhoseWorkerStoppedHeartbeatingIsFailedAndTheRunFailsWithTheReason() {
        DagRunView run = runs.trigger("fragile", Map.of(), "manual", null);
        ClaimedTask first = claimOne(run.runId());

        int failed = store.failAttemptsWithoutHeartbeat(Instant.now().plusSeconds(120), Duration.ofSeconds(30),
                dev.gale.scheduler.engine.RunDecider::decide);

        assertThat(failed).isEqualTo(1);
        assertThat(tasks.complete(new TaskAttempt(first.taskInstanceId(), 1), "null"))
                .as("the dead worker's late completion").isEqualTo(ReportOutcome.STALE);
        DagRunView done = runs.find("fragile", run.runId()).orElseThrow();
        assertThat(done.state()).isEqualTo(DagRunState.FAILED);
        assertThat(done.error()).contains("task 'first' failed: no heartbeat from its worker");
    }

    @Test
    void aWaiterIsWokenByTheRunFinishedNotification() throws Exception {
        RunWaiter waiter = new RunWaiter(store, notifications, JooqSchedulerStore.RUN_FINISHED_CHANNEL);
        DagRunView run = runs.trigger("two_step", Map.of(), "manual", null);
        CompletableFuture<Optional<DagRunView>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return waiter.await("two_step", run.runId(), Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(waiting).isNotDone();

        ClaimedTask first = claimOne(run.runId());
        tasks.complete(new TaskAttempt(first.taskInstanceId(), 1), "1");
        ClaimedTask second = claimOne(run.runId());
        tasks.complete(new TaskAttempt(second.taskInstanceId(), 1), "2");

        Optional<DagRunView> finished = waiting.get(5, TimeUnit.SECONDS);
        assertThat(finished).get().extracting(DagRunView::state).isEqualTo(DagRunState.SUCCESS);
    }
}

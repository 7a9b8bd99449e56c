package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.ReportOutcome;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A worker's start call: fenced like a heartbeat, but without a write when the claim's heartbeat is fresh. */
class TaskStartIT {
    private static final MovableClock CLOCK = new MovableClock();
    private static DSLContext dsl;
    private static RunService runs;
    private static TaskExecutionService tasks;

    @BeforeAll
    static void setUp() {
        var dataSource = TestPostgres.newDatabase().dataSource();
        SchedulerMigrations.migrate(dataSource);
        AssetMigrations.migrate(dataSource);
        dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        JooqSchedulerStore store = new JooqSchedulerStore(dsl, CLOCK);
        DagBuilder single = Dag.builder("single");
        single.task("only", ctx -> null);
        new DagService(store, new JooqAssetRegistry(dsl), new JooqRunHistory(dsl)).sync(List.of(single.build()));
        runs = new RunService(store, new JooqRunHistory(dsl), CLOCK);
        tasks = new TaskExecutionService(store, CLOCK);
    }

    private static TaskAttempt claim() {
        String runId = runs.trigger("single", Map.of(), "manual", null).runId();
        ClaimedTask task = tasks.claim("worker-1", List.of("default"), 10).stream()
                .filter(t -> t.runId().equals(runId)).findFirst().orElseThrow();
        return new TaskAttempt(task.taskInstanceId(), task.attempt());
    }

    /** The row's version: it changes with every write to the row. */
    private static String rowVersion(TaskAttempt attempt) {
        return dsl.select(DSL.field("xmin::text", String.class)).from(TASK_INSTANCE)
                .where(TASK_INSTANCE.ID.eq(attempt.taskInstanceId())).fetchSingle().value1();
    }

    private static Instant lastHeartbeat(TaskAttempt attempt) {
        return dsl.select(TASK_INSTANCE.LAST_HEARTBEAT_AT).from(TASK_INSTANCE)
                .where(TASK_INSTANCE.ID.eq(attempt.taskInstanceId())).fetchSingle().value1().toInstant();
    }

    @Test
    void GIVEN_aFreshClaim_WHEN_itsWorkerStarts_THEN_theStartIsAcceptedWithoutWritingTheRow() {
        TaskAttempt attempt = claim();
        String before = rowVersion(attempt);

        assertThat(tasks.start(attempt)).isEqualTo(ReportOutcome.ACCEPTED);

        assertThat(rowVersion(attempt)).isEqualTo(before);
    }

    @Test
    void GIVEN_aClaimSecondsAgo_WHEN_itsWorkerStarts_THEN_theStartCountsAsAHeartbeat() {
        TaskAttempt attempt = claim();
        CLOCK.advance(Duration.ofSeconds(10));

        assertThat(tasks.start(attempt)).isEqualTo(ReportOutcome.ACCEPTED);

        assertThat(lastHeartbeat(attempt)).isEqualTo(CLOCK.instant());
    }

    @Test
    void GIVEN_anAttemptThatIsNoLongerCurrent_WHEN_itStarts_THEN_itIsStale() {
        TaskAttempt attempt = claim();
        assertThat(tasks.complete(attempt, "null")).isEqualTo(ReportOutcome.ACCEPTED);

        assertThat(tasks.start(attempt)).isEqualTo(ReportOutcome.STALE);
        assertThat(tasks.start(new TaskAttempt(attempt.taskInstanceId(), attempt.attempt() + 1)))
                .isEqualTo(ReportOutcome.STALE);
    }
}

package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.engine.BackfillPlan.Order;
import dev.gale.scheduler.engine.BackfillPlan.Reprocess;
import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.loop.CronExpressions;
import dev.gale.scheduler.service.BackfillEntryView;
import dev.gale.scheduler.service.BackfillRequest;
import dev.gale.scheduler.service.BackfillState;
import dev.gale.scheduler.service.BackfillView;
import dev.gale.scheduler.service.Backfills;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.InvalidBackfillException;
import dev.gale.scheduler.service.InvalidConfException;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.RunStateConflictException;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Backfills on a real PostgreSQL: planning, maxActiveRuns, pause, resume, cancel, progress and completion. */
class BackfillIT {
    private static final Instant MAR1 = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant MAR2 = Instant.parse("2026-03-02T00:00:00Z");
    private static final Instant MAR3 = Instant.parse("2026-03-03T00:00:00Z");
    private static final Instant MAR4 = Instant.parse("2026-03-04T00:00:00Z");
    private static final Instant MAR5 = Instant.parse("2026-03-05T00:00:00Z");

    private final MovableClock clock = new MovableClock(Instant.parse("2026-04-01T00:00:00Z"));
    private DSLContext dsl;
    private RunService runs;
    private TaskExecutionService tasks;
    private Backfills backfills;

    @BeforeEach
    void setUp() {
        DataSource dataSource = TestPostgres.newDatabase().dataSource();
        SchedulerMigrations.migrate(dataSource);
        AssetMigrations.migrate(dataSource);
        dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        JooqSchedulerStore store = new JooqSchedulerStore(dsl, clock);
        JooqRunHistory history = new JooqRunHistory(dsl);
        DagBuilder daily = Dag.builder("daily_report").schedule("@daily").param(Param.string("region").defaultValue("eu"));
        daily.task("report", ctx -> null);
        DagBuilder adHoc = Dag.builder("ad_hoc");
        adHoc.task("work", ctx -> null);
        new DagService(store, new JooqAssetRegistry(dsl), history).sync(List.of(daily.build(), adHoc.build()));
        runs = new RunService(store, history, clock);
        tasks = new TaskExecutionService(store, clock);
        backfills = new Backfills(store, new JooqBackfillStore(dsl), runs, CronExpressions::schedule, clock);
    }

    /** Runs every queued task instance to the given end. */
    private void finishQueuedTasks(boolean succeed) {
        for (ClaimedTask task : tasks.claim("worker", List.of("default"), 100)) {
            TaskAttempt attempt = new TaskAttempt(task.taskInstanceId(), task.attempt());
            if (succeed) {
                tasks.complete(attempt, "null");
            } else {
                tasks.fail(attempt, "boom", false);
            }
        }
    }

    private BackfillView reload(BackfillView backfill) {
        return backfills.find("daily_report", backfill.id()).orElseThrow();
    }

    private List<Map<String, Object>> backfillRuns() {
        return dsl.fetch("select logical_date, conf::text as conf from gale.dag_run where run_type = 'backfill'"
                + " order by id").intoMaps();
    }

    @Test
    void aBackfillRerunsFailedIntervalsAtMostMaxActiveRunsAtATimeUntilItCompletes() {
        runs.triggerScheduled("daily_report", MAR2, MAR1);
        finishQueuedTasks(false);
        runs.triggerScheduled("daily_report", MAR3, MAR2);
        finishQueuedTasks(true);

        BackfillView backfill = backfills.create(new BackfillRequest("daily_report", MAR1, MAR5, Map.of("region", "us"),
                2, Order.OLDEST_FIRST, Reprocess.FAILED));

        assertThat(backfill.state()).isEqualTo(BackfillState.RUNNING);
        assertThat(backfill.total()).as("Mar 3 succeeded already").isEqualTo(4);
        assertThat(backfill.skipped()).isEqualTo(1);
        assertThat(backfills.entries(backfill.id())).extracting(BackfillEntryView::logicalDate)
                .containsExactly(MAR1, MAR2, MAR3, MAR4, MAR5);
        assertThat(backfills.entries(backfill.id()).getFirst().dataIntervalStart())
                .isEqualTo(Instant.parse("2026-02-28T00:00:00Z"));

        backfills.advance();
        backfills.advance();
        assertThat(backfillRuns()).extracting(r -> ((OffsetDateTime) r.get("logical_date")).toInstant())
                .containsExactly(MAR1, MAR2);
        assertThat(backfillRuns()).extracting(r -> r.get("conf")).containsOnly("{\"region\": \"us\"}");
        assertThat(reload(backfill).active()).isEqualTo(2);

        backfills.pause("daily_report", backfill.id());
        finishQueuedTasks(true);
        backfills.advance();
        assertThat(backfillRuns()).as("a paused backfill starts nothing").hasSize(2);
        assertThat(reload(backfill)).extracting(BackfillView::state, BackfillView::done)
                .containsExactly(BackfillState.PAUSED, 2);

        backfills.resume("daily_report", backfill.id());
        backfills.advance();
        assertThat(backfillRuns()).hasSize(4);
        finishQueuedTasks(true);
        backfills.advance();

        BackfillView done = reload(backfill);
        assertThat(done.state()).isEqualTo(BackfillState.COMPLETED);
        assertThat(done.endedAt()).isNotNull();
        assertThat(done).extracting(BackfillView::done, BackfillView::succeeded, BackfillView::failed,
                BackfillView::active).containsExactly(4, 4, 0, 0);
        assertThat(backfills.entries(backfill.id())).filteredOn(e -> e.runId() != null)
                .extracting(BackfillEntryView::runState).containsOnly(DagRunState.SUCCESS);
        assertThat(backfills.entries(backfill.id()).get(2).skippedBecause())
                .isEqualTo("a run of this logical date ended success (reprocess failed)");
    }

    @Test
    void newestFirstStartsWithTheLatestIntervalAndAPausedDagIsStillBackfilled() {
        runs.trigger("ad_hoc", Map.of(), "manual", null);
        finishQueuedTasks(true);
        backfills.create(new BackfillRequest("daily_report", MAR1, MAR3, Map.of(), 1, Order.NEWEST_FIRST,
                Reprocess.SKIP));
        dsl.execute("update gale.dag set is_paused = true where dag_id = 'daily_report'");

        backfills.advance();
        finishQueuedTasks(true);
        backfills.advance();

        assertThat(backfillRuns()).extracting(r -> ((OffsetDateTime) r.get("logical_date")).toInstant())
                .containsExactly(MAR3, MAR2);
        assertThat(backfillRuns()).extracting(r -> r.get("conf")).containsOnly("{}");
    }

    @Test
    void aCancelledBackfillStartsNoMoreRunsAndCannotBeResumed() {
        BackfillView backfill = backfills.create(new BackfillRequest("daily_report", MAR1, MAR5, Map.of(), 1,
                Order.OLDEST_FIRST, Reprocess.SKIP));
        backfills.advance();

        BackfillView cancelled = backfills.cancel("daily_report", backfill.id()).orElseThrow();
        finishQueuedTasks(true);
        backfills.advance();

        assertThat(cancelled.state()).isEqualTo(BackfillState.CANCELLED);
        assertThat(backfillRuns()).hasSize(1);
        assertThat(reload(backfill).done()).isEqualTo(1);
        assertThatThrownBy(() -> backfills.resume("daily_report", backfill.id()))
                .isInstanceOf(RunStateConflictException.class)
                .hasMessageContaining("is cancelled; only a paused backfill can resume");
        assertThat(backfills.find("daily_report", 999)).isEmpty();
    }

    @Test
    void aBackfillThatCannotBeCarriedOutIsRefusedSayingWhy() {
        assertThatThrownBy(() -> backfills.create(new BackfillRequest("ad_hoc", MAR1, MAR5, Map.of(), 1,
                Order.OLDEST_FIRST, Reprocess.SKIP))).isInstanceOf(InvalidBackfillException.class)
                .hasMessageContaining("DAG 'ad_hoc' has no cron schedule");
        assertThatThrownBy(() -> backfills.create(new BackfillRequest("daily_report", MAR5, MAR1, Map.of(), 1,
                Order.OLDEST_FIRST, Reprocess.SKIP))).isInstanceOf(InvalidBackfillException.class)
                .hasMessageContaining("is before from");
        assertThatThrownBy(() -> backfills.create(new BackfillRequest("daily_report", MAR1.plusSeconds(60),
                MAR1.plusSeconds(120), Map.of(), 1, Order.OLDEST_FIRST, Reprocess.SKIP)))
                .isInstanceOf(InvalidBackfillException.class).hasMessageContaining("has no fire time between");
        assertThatThrownBy(() -> backfills.create(new BackfillRequest("daily_report", MAR1, MAR5,
                Map.of("region", 42), 1, Order.OLDEST_FIRST, Reprocess.SKIP))).isInstanceOf(InvalidConfException.class);
        assertThat(dsl.fetchCount(DSL.table("gale.backfill"))).isZero();
    }

    @Test
    void backfillRunsAreCreatedOncePerIntervalEvenWhenTwoSchedulersStartThem() {
        DagRunView first = runs.triggerBackfill("daily_report", Map.of(), MAR1, MAR1.minus(Duration.ofDays(1)),
                "backfill-7-" + MAR1);
        DagRunView again = runs.triggerBackfill("daily_report", Map.of(), MAR1, MAR1.minus(Duration.ofDays(1)),
                "backfill-7-" + MAR1);

        assertThat(again.runId()).isEqualTo(first.runId());
        assertThat(first.runType()).isEqualTo("backfill");
        assertThat(backfillRuns()).hasSize(1);
    }
}

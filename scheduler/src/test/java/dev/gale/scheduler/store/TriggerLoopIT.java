package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;
import static dev.gale.scheduler.store.jooq.Tables.TASK_TRIGGER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.loop.TriggerLoop;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.DeferredTasks;
import dev.gale.scheduler.service.ReportOutcome;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.scheduler.trigger.TriggerKinds;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.testing.TestPostgres;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two schedulers' trigger loops on one database: many due triggers, each fired and each task resumed once. */
class TriggerLoopIT {
    private static final int TASKS = 300;

    private DataSource dataSource;
    private DSLContext dsl;
    private TaskExecutionService tasks;

    @BeforeEach
    void setUp() {
        dataSource = TestPostgres.newDatabase().dataSource();
        SchedulerMigrations.migrate(dataSource);
        AssetMigrations.migrate(dataSource);
        dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        JooqSchedulerStore store = new JooqSchedulerStore(dsl, Clock.systemUTC());
        JooqRunHistory history = new JooqRunHistory(dsl);
        DagBuilder d = Dag.builder("many_waits");
        for (int i = 0; i < TASKS; i++) {
            d.task("wait_" + i, ctx -> null);
        }
        new DagService(store, new JooqAssetRegistry(dsl), history).sync(List.of(d.build()));
        new RunService(store, history, Clock.systemUTC()).trigger("many_waits", Map.of(), "manual", null);
        tasks = new TaskExecutionService(store, Clock.systemUTC());
    }

    private TriggerLoop scheduler() {
        DSLContext own = DSL.using(dataSource, SQLDialect.POSTGRES);
        return new TriggerLoop(new JooqDeferrals(own), TriggerKinds.basic(),
                new JooqSchedulerStore(own, Clock.systemUTC()), Clock.systemUTC());
    }

    @Test
    void twoTriggerLoopsFireEachDueTriggerOnceAndResumeEachTaskOnce() throws Exception {
        DeferredTasks deferred = new DeferredTasks(new JooqDeferrals(dsl), TriggerKinds.basic(),
                new JooqSchedulerStore(dsl, Clock.systemUTC()), Clock.systemUTC());
        List<ClaimedTask> claimed = tasks.claim("w", List.of("default"), TASKS);
        assertThat(claimed).hasSize(TASKS);
        for (ClaimedTask task : claimed) {
            assertThat(deferred.defer(new TaskAttempt(task.taskInstanceId(), task.attempt()), "time",
                    "{\"after\":\"PT0S\"}", 60_000)).isEqualTo(ReportOutcome.ACCEPTED);
        }

        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Integer>> resumed = new ArrayList<>();
        try (TriggerLoop first = scheduler(); TriggerLoop second = scheduler()) {
            for (TriggerLoop loop : List.of(first, second)) {
                resumed.add(pool.submit(() -> {
                    start.await();
                    int count = 0;
                    for (int pass = 0; pass < 5; pass++) {
                        count += loop.tick();
                    }
                    return count;
                }));
            }
            start.countDown();
            assertThat(resumed.get(0).get() + resumed.get(1).get()).as("resumes counted by both loops")
                    .isEqualTo(TASKS);
        } finally {
            pool.shutdown();
        }
        assertThat(dsl.fetchCount(TASK_TRIGGER, TASK_TRIGGER.FIRED_AT.isNotNull())).isEqualTo(TASKS);
        assertThat(dsl.fetchCount(TASK_INSTANCE, TASK_INSTANCE.STATE.eq(TaskInstanceState.QUEUED.wireName())))
                .as("every resumed task is queued again").isEqualTo(TASKS);

        List<ClaimedTask> again = tasks.claim("w", List.of("default"), TASKS);
        assertThat(again).hasSize(TASKS).allSatisfy(task -> {
            assertThat(task.triggerEvents()).as("the event it deferred on").hasSize(1);
            assertThat(task.triggerEvents().getFirst().kind()).isEqualTo("time");
        });
        Map<Long, Integer> attempts = new java.util.HashMap<>();
        claimed.forEach(task -> attempts.put(task.taskInstanceId(), task.attempt()));
        assertThat(again).allSatisfy(task -> assertThat(task.attempt()).as("the same attempt")
                .isEqualTo(attempts.get(task.taskInstanceId())));
    }

    @Test
    void aTriggerArmedBeforeASchedulerRestartFiresInTheNextScheduler() {
        DeferredTasks deferred = new DeferredTasks(new JooqDeferrals(dsl), TriggerKinds.basic(),
                new JooqSchedulerStore(dsl, Clock.systemUTC()), Clock.systemUTC());
        ClaimedTask task = tasks.claim("w", List.of("default"), 1).getFirst();
        deferred.defer(new TaskAttempt(task.taskInstanceId(), task.attempt()), "time", "{\"after\":\"PT0S\"}", 0);
        scheduler().close();
        try (TriggerLoop next = scheduler()) {
            assertThat(next.tick()).isEqualTo(1);
        }
    }

    @Test
    void aKindNoSchedulerEvaluatesIsNotLookedAtAgainAndOnlyItsApiFiresIt() {
        DeferredTasks deferred = new DeferredTasks(new JooqDeferrals(dsl), TriggerKinds.basic(),
                new JooqSchedulerStore(dsl, Clock.systemUTC()), Clock.systemUTC());
        ClaimedTask task = tasks.claim("w", List.of("default"), 1).getFirst();
        deferred.defer(new TaskAttempt(task.taskInstanceId(), task.attempt()), "human", "{\"subject\":\"ok?\"}", 0);
        try (TriggerLoop loop = scheduler()) {
            assertThat(loop.tick()).isZero();
        }
        long trigger = dsl.select(TASK_TRIGGER.ID).from(TASK_TRIGGER).fetchOne(TASK_TRIGGER.ID);
        assertThat(dsl.select(TASK_TRIGGER.NEXT_CHECK_AT).from(TASK_TRIGGER).fetchOne(TASK_TRIGGER.NEXT_CHECK_AT)
                .getYear()).as("never polled").isEqualTo(9999);
        assertThat(deferred.resume(trigger, "{\"decision\":\"approve\"}")).isTrue();
        assertThat(deferred.resume(trigger, "{\"decision\":\"reject\"}")).as("once").isFalse();
        assertThat(dsl.select(TASK_INSTANCE.STATE).from(TASK_INSTANCE).where(TASK_INSTANCE.ID.eq(task.taskInstanceId()))
                .fetchOne(TASK_INSTANCE.STATE)).isEqualTo(TaskInstanceState.QUEUED.wireName());
    }
}

package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.ArmedTrigger;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.scheduler.store.jooq.tables.records.TaskInstanceRecord;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.RunService;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
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

/** Deferred tasks' triggers on real PostgreSQL, with two schedulers' stores sharing one database. */
class DeferralsIT {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private DataSource dataSource;
    private DSLContext dsl;
    private TaskExecutionService tasks;
    private JooqDeferrals first;
    private JooqDeferrals second;
    private List<Long> instances;

    @BeforeEach
    void setUp() {
        dataSource = TestPostgres.newDatabase().dataSource();
        SchedulerMigrations.migrate(dataSource);
        AssetMigrations.migrate(dataSource);
        dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        JooqSchedulerStore store = new JooqSchedulerStore(dsl, Clock.systemUTC());
        JooqRunHistory history = new JooqRunHistory(dsl);
        DagBuilder d = Dag.builder("waits");
        for (int i = 0; i < 50; i++) {
            d.task("wait_" + i, ctx -> null);
        }
        new DagService(store, new JooqAssetRegistry(dsl), history).sync(List.of(d.build()));
        RunService runs = new RunService(store, history, Clock.systemUTC());
        runs.trigger("waits", Map.of(), "manual", null);
        runs.trigger("waits", Map.of(), "manual", null);
        tasks = new TaskExecutionService(store, Clock.systemUTC());
        instances = dsl.select(TASK_INSTANCE.ID).from(TASK_INSTANCE).fetch(TASK_INSTANCE.ID);
        first = new JooqDeferrals(dsl);
        second = new JooqDeferrals(DSL.using(dataSource, SQLDialect.POSTGRES));
    }

    @Test
    void aDeferredAttemptFreesItsWorkerAndResumesAsTheSameAttemptOnce() {
        ClaimedTask claimed = tasks.claim("w", List.of("default"), 1).getFirst();
        TaskAttempt attempt = new TaskAttempt(claimed.taskInstanceId(), claimed.attempt());
        long trigger = first.defer(attempt, "external_event", "{\"key\":\"k\"}", null, NOW).orElseThrow();

        TaskInstanceRecord waiting = instance(claimed.taskInstanceId());
        assertThat(waiting.getState()).isEqualTo(TaskInstanceState.DEFERRED.wireName());
        assertThat(waiting.getWorkerId()).isNull();
        assertThat(first.defer(attempt, "time", "{}", null, NOW)).as("a second defer of the attempt").isEmpty();

        assertThat(List.of(first.resume(trigger, "{\"ok\":true}", NOW), second.resume(trigger, "{}", NOW)))
                .containsExactly(true, false);
        TaskInstanceRecord resumed = instance(claimed.taskInstanceId());
        assertThat(resumed.getState()).isEqualTo(TaskInstanceState.SCHEDULED.wireName());
        assertThat(resumed.getAttempt() + 1).as("the attempt the next claim gives").isEqualTo(claimed.attempt());
    }

    @Test
    void aStaleAttemptCannotDefer() {
        ClaimedTask claimed = tasks.claim("w", List.of("default"), 1).getFirst();
        TaskAttempt stale = new TaskAttempt(claimed.taskInstanceId(), claimed.attempt() + 1);
        assertThat(first.defer(stale, "time", "{}", null, NOW)).isEmpty();
        assertThat(instance(claimed.taskInstanceId()).getState()).isEqualTo(TaskInstanceState.RUNNING.wireName());
    }

    private TaskInstanceRecord instance(long id) {
        return dsl.selectFrom(TASK_INSTANCE).where(TASK_INSTANCE.ID.eq(id)).fetchOne();
    }

    @Test
    void eachTriggerFiresOnceWhenTwoSchedulersFireAllOfThemAtOnce() throws Exception {
        List<Long> triggers = new ArrayList<>();
        for (long instance : instances) {
            triggers.add(first.arm(instance, "external_event", "{\"key\":\"k\"}", null, NOW));
        }
        Set<Long> firedByFirst = ConcurrentHashMap.newKeySet();
        Set<Long> firedBySecond = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (var pair : List.of(Map.entry(first, firedByFirst), Map.entry(second, firedBySecond))) {
                done.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    for (long trigger : triggers) {
                        if (pair.getKey().fire(trigger, "{\"by\":\"event\"}", NOW)) {
                            pair.getValue().add(trigger);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        List<Long> all = new ArrayList<>(firedByFirst);
        all.addAll(firedBySecond);
        assertThat(all).as("fired by either, none by both").containsExactlyInAnyOrderElementsOf(triggers);
        assertThat(first.takeDue(NOW.plusSeconds(60), Duration.ofSeconds(5), 1000)).isEmpty();
    }

    @Test
    void twoSchedulersTakingDueTriggersAtOnceNeverTakeTheSameOne() throws Exception {
        for (long instance : instances) {
            first.arm(instance, "time", "{}", null, NOW);
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<List<Long>>> taken = new ArrayList<>();
        try {
            for (JooqDeferrals scheduler : List.of(first, second)) {
                taken.add(pool.submit(() -> {
                    start.await();
                    List<Long> ids = new ArrayList<>();
                    for (List<ArmedTrigger> batch = scheduler.takeDue(NOW, Duration.ofMinutes(1), 7);
                         !batch.isEmpty(); batch = scheduler.takeDue(NOW, Duration.ofMinutes(1), 7)) {
                        batch.forEach(t -> ids.add(t.id()));
                    }
                    return ids;
                }));
            }
            start.countDown();
            List<Long> a = taken.get(0).get();
            List<Long> b = taken.get(1).get();
            List<Long> all = new ArrayList<>(a);
            all.addAll(b);
            assertThat(all).as("taken by either, none by both").doesNotHaveDuplicates().hasSize(instances.size());
        } finally {
            pool.shutdown();
        }
        assertThat(first.takeDue(NOW.plusSeconds(59), Duration.ofMinutes(1), 1000)).isEmpty();
        assertThat(first.takeDue(NOW.plusSeconds(60), Duration.ofMinutes(1), 1000)).hasSize(instances.size());
    }

    @Test
    void aDisarmedTriggerNeitherFiresNorTimesOutAndAFiredOneCannotBeDisarmed() {
        long cancelled = instances.get(0);
        long fired = instances.get(1);
        long waiting = instances.get(2);
        long cancelledTrigger = first.arm(cancelled, "time", "{}", NOW.plusSeconds(10), NOW);
        long firedTrigger = first.arm(fired, "time", "{}", NOW.plusSeconds(10), NOW);
        first.arm(waiting, "time", "{}", NOW.plusSeconds(10), NOW);

        assertThat(first.disarm(cancelled, NOW)).isTrue();
        assertThat(first.fire(cancelledTrigger, "{}", NOW)).isFalse();
        assertThat(first.fire(firedTrigger, "{}", NOW)).isTrue();
        assertThat(second.disarm(fired, NOW)).isFalse();

        assertThat(first.timedOut(NOW.plusSeconds(9), 10)).isEmpty();
        assertThat(first.timedOut(NOW.plusSeconds(10), 10)).extracting(ArmedTrigger::taskInstanceId)
                .containsExactly(waiting);
    }
}

package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.loop.CronExpressions;
import dev.gale.scheduler.loop.CronSchedules;
import dev.gale.scheduler.loop.SchedulingLoop;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.ScheduledRuns;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.sdk.TriggerRule;
import dev.gale.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three scheduler processes (each with its own connection pool, store, scheduling loop and Quartz
 * cluster member) share one database with no leader. Workers claim from any of them and report to
 * any other. Proves that 1,000 runs of a branching, mapped DAG finish with every task instance
 * moving through each state exactly once, and that each cron fire time creates exactly one run.
 */
class ThreeSchedulersIT {
    private static final int RUNS = 1_000;
    private static final List<SchedulerProcess> PROCESSES = new ArrayList<>();
    private static final AtomicInteger CREATED_RUNS = new AtomicInteger();
    private static DSLContext dsl;

    /** One scheduler "process": everything a scheduler replica holds, with its own connections. */
    private record SchedulerProcess(HikariDataSource pool, RunService runs, TaskExecutionService tasks,
                                    SchedulingLoop loop, CronSchedules cron) {
    }

    private static Dag routed() {
        DagBuilder d = Dag.builder("routed").param(Param.integer("number").defaultValue(0));
        var route = d.branch("route", ctx -> null);
        var split = d.task("split", ctx -> null);
        var work = d.task("work", ctx -> null).expand(split);
        var reduce = d.task("reduce", ctx -> null);
        var plain = d.task("plain", ctx -> null);
        var join = d.task("join", ctx -> null).triggerRule(TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS);
        route.then(split).then(work).then(reduce).then(join);
        route.then(plain).then(join);
        return d.result(reduce).build();
    }

    private static Dag everyMinute() {
        DagBuilder d = Dag.builder("every_minute").schedule("* * * * *");
        d.task("tick", ctx -> null);
        return d.build();
    }

    @BeforeAll
    static void startThreeSchedulers() {
        TestPostgres.Database db = TestPostgres.newDatabase();
        SchedulerMigrations.migrate(db.dataSource());
        AssetMigrations.migrate(db.dataSource());
        dsl = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        for (int i = 0; i < 3; i++) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(db.jdbcUrl());
            config.setUsername(db.user());
            config.setPassword(db.password());
            config.setMaximumPoolSize(4);
            HikariDataSource pool = new HikariDataSource(config);
            JooqSchedulerStore store = new JooqSchedulerStore(DSL.using(pool, SQLDialect.POSTGRES), Clock.systemUTC());
            if (i == 0) {
                new DagService(store, new JooqAssetRegistry(DSL.using(pool, SQLDialect.POSTGRES)),
                        new JooqRunHistory(DSL.using(pool, SQLDialect.POSTGRES))).sync(List.of(routed(), everyMinute()));
            }
            RunService runs = new RunService(store, new JooqRunHistory(DSL.using(pool, SQLDialect.POSTGRES)),
                    Clock.systemUTC());
            SchedulingLoop loop = new SchedulingLoop(store, Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofMinutes(10),
                    null);
            loop.start(Duration.ofMillis(200));
            ScheduledRuns scheduled = new ScheduledRuns(store, new JooqScheduleStore(DSL.using(pool, SQLDialect.POSTGRES)),
                    runs, CronExpressions::schedule, Clock.systemUTC());
            CronSchedules cron = new CronSchedules(QuartzConnections.register(pool), () -> CREATED_RUNS.addAndGet(
                    scheduled.createDue()), Duration.ofSeconds(5));
            cron.sync(List.of(everyMinute().spec()));
            cron.start();
            PROCESSES.add(new SchedulerProcess(pool, runs, new TaskExecutionService(store, Clock.systemUTC()), loop,
                    cron));
        }
    }

    @AfterAll
    static void stop() {
        for (SchedulerProcess p : PROCESSES) {
            p.cron().close();
            p.loop().close();
            p.pool().close();
        }
    }

    private static long count(String sql) {
        return ((Number) dsl.fetchValue(sql)).longValue();
    }

    private static SchedulerProcess any() {
        return PROCESSES.get(ThreadLocalRandom.current().nextInt(PROCESSES.size()));
    }

    private static String output(ClaimedTask task) {
        return switch (task.taskId()) {
            case "route" -> Long.parseLong(task.paramsJson().replaceAll("\\D", "")) % 2 == 0
                    ? "[\"split\"]" : "[\"plain\"]";
            case "split" -> "[1, 2, 3]";
            case "work" -> Long.toString(Long.parseLong(task.mapItemJson()) * 10);
            case "reduce" -> task.upstreamOutputsJson().get("work").equals("[10,20,30]") ? "60" : "\"wrong inputs\"";
            default -> "null";
        };
    }

    @Test
    void aThousandBranchingMappedRunsFinishWithEveryInstanceThroughEachStateOnce() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> triggers = new ArrayList<>();
        AtomicInteger next = new AtomicInteger();
        for (int t = 0; t < 4; t++) {
            triggers.add(threads.submit(() -> {
                for (int n = next.getAndIncrement(); n < RUNS; n = next.getAndIncrement()) {
                    any().runs().trigger("routed", Map.of("number", n), "manual", null);
                }
            }));
        }
        AtomicInteger finished = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            String workerId = "worker-" + w;
            workers.add(threads.submit(() -> {
                while (finished.get() < RUNS) {
                    List<ClaimedTask> claimed = any().tasks().claim(workerId, List.of("default"), 8);
                    for (ClaimedTask task : claimed) {
                        // Report to another scheduler than the one that handed the task out.
                        any().tasks().complete(new TaskAttempt(task.taskInstanceId(), task.attempt()), output(task));
                    }
                    if (claimed.isEmpty()) {
                        Thread.sleep(5);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : triggers) {
            f.get();
        }
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(250)).until(() -> {
            finished.set(dsl.fetchCount(DSL.table("gale.dag_run"), DSL.field("dag_id").eq("routed")
                    .and(DSL.field("state").in("success", "failed"))));
            return finished.get() >= RUNS;
        });
        for (Future<?> f : workers) {
            f.get();
        }
        threads.shutdown();

        assertThat(count("select count(*) from gale.dag_run where dag_id = 'routed' and state = 'success'"))
                .isEqualTo((long) RUNS);
        assertThat(count("select count(distinct run_id) from gale.dag_run where dag_id = 'routed'"))
                .isEqualTo((long) RUNS);
        // Even numbers take the mapped path (route, split, 3 x work, reduce, join; plain skipped): 8 instances.
        // Odd numbers take the plain path (split, work and reduce skipped): 6 instances.
        assertThat(count("""
                select count(*) from gale.task_instance ti join gale.dag_run r on r.id = ti.dag_run_id
                where r.dag_id = 'routed'""")).isEqualTo((long) RUNS / 2 * 8 + RUNS / 2 * 6);
        assertThat(count("""
                select count(*) from gale.task_instance ti join gale.dag_run r on r.id = ti.dag_run_id
                where r.dag_id = 'routed' and ti.state not in ('success', 'skipped')""")).isEqualTo(0L);
        assertThat(dsl.fetch("""
                select t.task_instance_id, t.to_state from gale.task_instance_transition t
                group by t.task_instance_id, t.to_state having count(*) > 1""")).as("states entered twice").isEmpty();
        Set<String> paths = Set.copyOf(dsl.fetch("""
                select string_agg(t.to_state, '>' order by t.id) from gale.task_instance_transition t
                join gale.task_instance ti on ti.id = t.task_instance_id
                join gale.dag_run r on r.id = ti.dag_run_id where r.dag_id = 'routed'
                group by t.task_instance_id""").getValues(0, String.class));
        assertThat(paths).isSubsetOf("none>queued>running>success", "queued>running>success", "none>skipped");
        assertThat(count("""
                select count(*) from gale.dag_run where dag_id = 'routed' and result = '60'::jsonb""")).isEqualTo((long) RUNS / 2);
    }

    @Test
    void eachCronFireTimeCreatesExactlyOneScheduledRunAcrossTheCluster() {
        // A fire every minute: one is due within 60 s of the schedulers' start, and each of the three
        // schedulers' passes (on the fire and every 5 s) tries to create it.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> count("select count(*) from gale.dag_run where dag_id = 'every_minute'") > 0);

        // A creation is counted once its pass returns, so the count may still be on its way.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(CREATED_RUNS.get())
                .as("creations reported by the three schedulers")
                .isEqualTo((int) count("select count(*) from gale.dag_run where dag_id = 'every_minute'")));
        assertThat(count("""
                select count(*) from gale.dag_run where dag_id = 'every_minute'
                and (logical_date <> date_trunc('minute', logical_date) or run_type <> 'scheduled')"""))
                .as("every run is the scheduled run of a fire time").isZero();
    }
}

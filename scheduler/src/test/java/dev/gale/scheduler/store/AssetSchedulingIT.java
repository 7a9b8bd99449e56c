package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gale.assets.AliasConflictException;
import dev.gale.assets.AliasMoveRequest;
import dev.gale.assets.AssetVersion;
import dev.gale.assets.NewAssetVersion;
import dev.gale.assets.ProducingTask;
import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetAliases;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.service.AssetTriggers;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.InvalidAssetCallException;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.TaskAssetService;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.testing.TestPostgres;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asset-triggered runs with three schedulers (each with its own connection pool, store, run service
 * and asset triggers) handling the same new versions at once, and tasks emitting and reading assets.
 */
class AssetSchedulingIT {
    private static final List<Scheduler> SCHEDULERS = new ArrayList<>();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicLong FAKE_TASK_INSTANCES = new AtomicLong(1_000_000);
    private static DSLContext dsl;
    private static JooqAssetRegistry registry;

    private record Scheduler(HikariDataSource pool, RunService runs, AssetTriggers triggers, TaskAssetService assets,
                             TaskExecutionService tasks) {
    }

    private static List<Dag> dags() {
        DagBuilder producer = Dag.builder("producer");
        producer.task("make", ctx -> null).queue("producer").writes("dataset://a", "dataset://b");
        DagBuilder onAny = Dag.builder("on_any").scheduleOnAnyOf("dataset://a");
        onAny.task("use", ctx -> null).queue("on_any").reads("dataset://a");
        DagBuilder onAll = Dag.builder("on_all").scheduleOnAllOf("dataset://a", "dataset://b");
        onAll.task("use", ctx -> null).queue("on_all");
        DagBuilder onAlias = Dag.builder("on_alias").scheduleOnAliasMove("model://m", "production");
        onAlias.task("deploy", ctx -> null).queue("on_alias").reads("model://m");
        return List.of(producer.build(), onAny.build(), onAll.build(), onAlias.build());
    }

    @BeforeAll
    static void startThreeSchedulers() {
        TestPostgres.Database db = TestPostgres.newDatabase();
        SchedulerMigrations.migrate(db.dataSource());
        AssetMigrations.migrate(db.dataSource());
        dsl = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        registry = new JooqAssetRegistry(dsl);
        for (int i = 0; i < 3; i++) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(db.jdbcUrl());
            config.setUsername(db.user());
            config.setPassword(db.password());
            config.setMaximumPoolSize(4);
            HikariDataSource pool = new HikariDataSource(config);
            DSLContext own = DSL.using(pool, SQLDialect.POSTGRES);
            JooqSchedulerStore store = new JooqSchedulerStore(own, Clock.systemUTC());
            JooqAssetRegistry assets = new JooqAssetRegistry(own);
            if (i == 0) {
                new DagService(store, assets, new JooqRunHistory(own)).sync(dags());
            }
            RunService runs = new RunService(store, new JooqRunHistory(own), Clock.systemUTC());
            AssetTriggers triggers = new AssetTriggers(assets, new JooqAssetAliases(own), store, runs);
            SCHEDULERS.add(new Scheduler(pool, runs, triggers, new TaskAssetService(store, assets, triggers),
                    new TaskExecutionService(store, Clock.systemUTC())));
        }
    }

    @AfterAll
    static void stop() {
        SCHEDULERS.forEach(s -> s.pool().close());
    }

    private static long count(String sql, Object... bindings) {
        return ((Number) dsl.fetchValue(sql, bindings)).longValue();
    }

    private static AssetVersion recordVersion(String asset) {
        return registry.recordVersion(new NewAssetVersion(asset, new ProducingTask("producer", 1, "producer_run",
                "make", -1, 1, FAKE_TASK_INSTANCES.incrementAndGet(), "w"), "e", null, "{}"));
    }

    /** Every scheduler handles the pending versions at the same moment. */
    private static void allSchedulersHandlePending() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(SCHEDULERS.size());
        List<Future<Integer>> passes = new ArrayList<>();
        for (Scheduler scheduler : SCHEDULERS) {
            passes.add(threads.submit(() -> scheduler.triggers().handlePending()));
        }
        for (Future<Integer> pass : passes) {
            pass.get();
        }
        threads.shutdown();
    }

    private static ClaimedTask runningTask(Scheduler scheduler, String queue) {
        ClaimedTask claimed = scheduler.tasks().claim("worker-" + queue, List.of(queue), 1).getFirst();
        scheduler.tasks().start(new TaskAttempt(claimed.taskInstanceId(), claimed.attempt()));
        return claimed;
    }

    private static int triggeringVersion(ClaimedTask task) {
        return JSON.readTree(task.paramsJson()).path("triggeringAssetVersions").path(0).path("version").asInt();
    }

    @Test
    void eachNewVersionTriggersOneRunAndEachCompletedSetOneRunWithThreeSchedulersHandlingThemAtOnce()
            throws Exception {
        long anyBefore = count("select count(*) from gale.dag_run where dag_id = 'on_any'");
        long allBefore = count("select count(*) from gale.dag_run where dag_id = 'on_all'");
        for (int i = 0; i < 30; i++) {
            recordVersion("dataset://a");
        }
        allSchedulersHandlePending();
        for (int round = 0; round < 10; round++) {
            recordVersion("dataset://a");
            recordVersion("dataset://b");
            allSchedulersHandlePending();
        }

        assertThat(count("select count(*) from gale.dag_run where dag_id = 'on_any' and run_type = 'asset_triggered'")
                - anyBefore).isEqualTo(40);
        assertThat(count("select count(distinct conf -> 'triggeringAssetVersions' -> 0 -> 'version') from gale.dag_run"
                + " where dag_id = 'on_any'")).isEqualTo(anyBefore + 40);
        assertThat(count("select count(*) from gale.dag_run where dag_id = 'on_all' and run_type = 'asset_triggered'")
                - allBefore).isEqualTo(10);
        // Each all-of run names the newest version of both assets at that moment.
        assertThat(count("select count(*) from gale.dag_run where dag_id = 'on_all'"
                + " and jsonb_array_length(conf -> 'triggeringAssetVersions') = 2")).isEqualTo(allBefore + 10);
        assertThat(count("select count(*) from gale.dag_run where dag_id = 'on_any'"
                + " and exists (select 1 from gale.task_instance ti where ti.dag_run_id = dag_run.id"
                + " and ti.state in ('queued', 'running'))")).isEqualTo(anyBefore + 40);

        String key = dsl.resultQuery("select idempotency_key from gale.dag_run where dag_id = 'on_any' limit 1")
                .fetchOne(0, String.class);
        assertThat(SCHEDULERS.get(1).runs().triggerForAssets("on_any", key, List.of(Map.of("asset", "dataset://a"))))
                .isEmpty();
    }

    @Test
    void aTaskEmitsOnlyWhatItDeclaresAndReadsTheVersionThatTriggeredItsRun() throws Exception {
        Scheduler scheduler = SCHEDULERS.get(2);
        scheduler.runs().trigger("producer", Map.of(), "manual", null);
        ClaimedTask make = runningTask(scheduler, "producer");
        TaskAttempt attempt = new TaskAttempt(make.taskInstanceId(), make.attempt());

        assertThatThrownBy(() -> scheduler.assets().emit(attempt, "model://elsewhere", "{}", "", "x"))
                .isInstanceOf(InvalidAssetCallException.class)
                .hasMessage("task 'make' of DAG 'producer' did not declare asset 'model://elsewhere' as an output; its"
                        + " outputs are [dataset://a, dataset://b]. Add .writes(\"model://elsewhere\") to the task to"
                        + " emit it.");
        assertThatThrownBy(() -> scheduler.assets().emit(attempt, "dataset://a", "[1]", "", "x"))
                .hasMessageContaining("must be a JSON object");
        assertThat(registry.findByName("model://elsewhere")).isEmpty();

        AssetVersion emitted = scheduler.assets().emit(attempt, "dataset://a", "{\"rows\": 3}", "sha256:1", "ev-1")
                .orElseThrow();
        assertThat(scheduler.assets().emit(attempt, "dataset://a", "{\"rows\": 3}", "sha256:1", "ev-1"))
                .contains(emitted);
        AssetVersion newer = scheduler.assets().emit(attempt, "dataset://a", "{\"rows\": 4}", "", "ev-2")
                .orElseThrow();
        assertThat(emitted.producedBy()).startsWith("task producer.make attempt 1 of run manual__");

        // The run triggered by the first version reads that version, although a newer one exists.
        ClaimedTask use = runningTask(scheduler, "on_any");
        while (triggeringVersion(use) != emitted.version()) {
            use = runningTask(scheduler, "on_any");
        }
        TaskAttempt useAttempt = new TaskAttempt(use.taskInstanceId(), use.attempt());
        assertThat(scheduler.assets().read(useAttempt, "dataset://a", 0).orElseThrow().version())
                .isEqualTo(emitted.version()).isLessThan(newer.version());
        assertThat(registry.readingRuns(emitted.id())).containsExactly(use.runId());

        scheduler.tasks().complete(attempt, "null");
        long versions = count("select count(*) from gale_assets.asset_version");
        assertThat(scheduler.assets().emit(attempt, "dataset://a", "{}", "", "late")).isEmpty();
        assertThat(count("select count(*) from gale_assets.asset_version")).isEqualTo(versions);
    }

    @Test
    void eachMoveOfTheAliasTriggersOneRunThatReadsTheVersionMovedTo() throws Exception {
        JooqAssetAliases aliases = new JooqAssetAliases(dsl);
        AssetVersion first = recordVersion("model://m");
        AssetVersion second = recordVersion("model://m");
        recordVersion("model://m");
        aliases.move(new AliasMoveRequest("model://m", "production", first.version(), 0, "gate", "first champion"));
        aliases.move(new AliasMoveRequest("model://m", "staging", second.version(), null, "alice", "not watched"));
        aliases.move(new AliasMoveRequest("model://m", "production", second.version(), first.version(), "gate",
                "beats champion by 0.02"));
        assertThatThrownBy(() -> aliases.move(new AliasMoveRequest("model://m", "production", first.version(),
                first.version(), "late gate", "stale"))).isInstanceOf(AliasConflictException.class);

        allSchedulersHandlePending();
        allSchedulersHandlePending();

        assertThat(count("select count(*) from gale.dag_run where dag_id = 'on_alias' and run_type = 'asset_triggered'"))
                .isEqualTo(2);
        assertThat(dsl.resultQuery("select conf -> 'triggeringAssetVersions' -> 0 ->> 'reason' from gale.dag_run"
                + " where dag_id = 'on_alias' order by id").fetch(0, String.class))
                .containsExactly("first champion", "beats champion by 0.02");
        // The run of the second move reads the version the alias moved to, whatever the latest version is.
        Scheduler scheduler = SCHEDULERS.get(0);
        List<Integer> read = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ClaimedTask deploy = runningTask(scheduler, "on_alias");
            read.add(scheduler.assets().read(new TaskAttempt(deploy.taskInstanceId(), deploy.attempt()), "model://m", 0)
                    .orElseThrow().version());
        }
        assertThat(read).containsExactlyInAnyOrder(first.version(), second.version());
    }
}

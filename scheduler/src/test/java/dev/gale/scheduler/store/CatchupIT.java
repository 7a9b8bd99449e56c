package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.loop.CronExpressions;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.ScheduledRuns;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Catchup on a real PostgreSQL with a clock moved by hand: missed fires (scheduler down, DAG paused)
 * get runs by the DAG's catchup rule, never silently dropped, and each logical date exactly once with
 * several schedulers.
 */
class CatchupIT {
    private static final Instant START = Instant.parse("2026-03-01T00:00:30Z");

    private final MovableClock clock = new MovableClock(START);
    private final List<HikariDataSource> pools = new ArrayList<>();
    private TestPostgres.Database db;
    private DSLContext dsl;
    private JooqSchedulerStore store;
    private DagService dags;

    @BeforeEach
    void setUp() {
        db = TestPostgres.newDatabase();
        SchedulerMigrations.migrate(db.dataSource());
        AssetMigrations.migrate(db.dataSource());
        dsl = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
        store = new JooqSchedulerStore(dsl, clock);
        dags = new DagService(store, new JooqAssetRegistry(dsl), new JooqRunHistory(dsl));
    }

    @AfterEach
    void closePools() {
        pools.forEach(HikariDataSource::close);
    }

    private void deploy(String dagId, String cron, UnaryOperator<DagBuilder> options) {
        DagBuilder d = options.apply(Dag.builder(dagId).schedule(cron));
        d.task("work", ctx -> null);
        dags.sync(List.of(d.build()));
    }

    /** One scheduler: its own connections, store and clock-driven catchup. */
    private ScheduledRuns scheduler(DSLContext db) {
        JooqSchedulerStore own = new JooqSchedulerStore(db, clock);
        return new ScheduledRuns(own, new JooqScheduleStore(db), new RunService(own, new JooqRunHistory(db), clock),
                CronExpressions::schedule, clock);
    }

    private DSLContext ownPool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(3);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return DSL.using(pool, SQLDialect.POSTGRES);
    }

    private List<Instant> logicalDates(String dagId) {
        return dsl.fetch("select logical_date from gale.dag_run where dag_id = ? order by id", dagId)
                .map(r -> r.get(0, OffsetDateTime.class).toInstant());
    }

    private static Instant hour(int h) {
        return Instant.parse("2026-03-01T00:00:00Z").plus(Duration.ofHours(h));
    }

    @Test
    void givenCatchupWhenTheSchedulerMissedThreeIntervalsThenThreeRunsAreCreatedInOrder() {
        deploy("hourly", "0 * * * *", d -> d.catchup(true));
        ScheduledRuns scheduler = scheduler(dsl);
        assertThat(scheduler.createDue()).as("nothing fired since the DAG was first seen").isZero();

        clock.advance(Duration.ofHours(3));

        assertThat(scheduler.createDue()).isEqualTo(3);
        assertThat(logicalDates("hourly")).containsExactly(hour(1), hour(2), hour(3));
        assertThat(scheduler.createDue()).as("a second pass creates nothing").isZero();
    }

    @Test
    void givenNoCatchupWhenTheSchedulerMissedThreeIntervalsThenOnlyTheLatestGetsARun() {
        deploy("hourly", "0 * * * *", d -> d.catchup(false));
        ScheduledRuns scheduler = scheduler(dsl);
        scheduler.createDue();
        clock.advance(Duration.ofHours(1));
        assertThat(scheduler.createDue()).isEqualTo(1);

        clock.advance(Duration.ofHours(3));

        assertThat(scheduler.createDue()).isEqualTo(1);
        assertThat(logicalDates("hourly")).containsExactly(hour(1), hour(4));
    }

    @Test
    void firesWhilePausedFollowTheCatchupRuleOnceUnpaused() {
        deploy("with_catchup", "0 * * * *", d -> d.catchup(true));
        deploy("without_catchup", "0 * * * *", d -> d.catchup(false));
        ScheduledRuns scheduler = scheduler(dsl);
        scheduler.createDue();
        dags.setPaused("with_catchup", true);
        dags.setPaused("without_catchup", true);

        clock.advance(Duration.ofHours(3));
        assertThat(scheduler.createDue()).as("a paused DAG gets no run").isZero();
        dags.setPaused("with_catchup", false);
        dags.setPaused("without_catchup", false);
        scheduler.createDue();

        assertThat(logicalDates("with_catchup")).containsExactly(hour(1), hour(2), hour(3));
        assertThat(logicalDates("without_catchup")).containsExactly(hour(3));
    }

    @Test
    void aDagPausedFromItsFirstLoadCatchesUpFromThatLoadNotFromTheEpoch() {
        deploy("paused_at_start", "0 * * * *", d -> d.catchup(true).pausedOnCreation());
        ScheduledRuns scheduler = scheduler(dsl);
        scheduler.createDue();
        clock.advance(Duration.ofHours(2));
        scheduler.createDue();

        dags.setPaused("paused_at_start", false);
        scheduler.createDue();

        assertThat(logicalDates("paused_at_start")).containsExactly(hour(1), hour(2));
    }

    @Test
    void startAndEndDatesBoundTheSchedule() {
        deploy("bounded", "0 * * * *", d -> d.catchup(true).startDate(hour(-2)).endDate(hour(2)));
        ScheduledRuns scheduler = scheduler(dsl);

        clock.advance(Duration.ofHours(5));
        scheduler.createDue();

        assertThat(logicalDates("bounded")).as("from the start date, though first seen later; none after the end")
                .containsExactly(hour(-2), hour(-1), hour(0), hour(1), hour(2));
    }

    @Test
    void threeSchedulersBackAfterAnHourCreateEachMissedIntervalExactlyOnce() throws Exception {
        deploy("every_minute", "* * * * *", d -> d.catchup(true));
        List<ScheduledRuns> schedulers = List.of(scheduler(ownPool()), scheduler(ownPool()), scheduler(ownPool()));
        schedulers.getFirst().createDue();

        clock.advance(Duration.ofHours(1));
        ExecutorService threads = Executors.newFixedThreadPool(3);
        List<Future<Integer>> created = new ArrayList<>();
        for (ScheduledRuns scheduler : schedulers) {
            created.add(threads.submit((Callable<Integer>) scheduler::createDue));
        }
        int total = 0;
        for (Future<Integer> f : created) {
            total += f.get();
        }
        threads.shutdown();

        List<Instant> dates = logicalDates("every_minute");
        assertThat(total).as("runs created, summed over the schedulers").isEqualTo(60);
        assertThat(dates).hasSize(60).doesNotHaveDuplicates();
        assertThat(dates.stream().sorted().toList()).first().isEqualTo(Instant.parse("2026-03-01T00:01:00Z"));
        assertThat(dates.stream().sorted().toList()).last().isEqualTo(Instant.parse("2026-03-01T01:00:00Z"));
    }
}

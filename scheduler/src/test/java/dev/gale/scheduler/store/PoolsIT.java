package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.PoolView;
import dev.gale.scheduler.service.Pools;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.RunStateConflictException;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.testing.TestPostgres;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pools managed at run time on a real PostgreSQL, and promotion that a full pool cannot starve. */
class PoolsIT {
    private JooqSchedulerStore store;
    private RunService runs;
    private TaskExecutionService tasks;
    private Pools pools;

    @BeforeEach
    void setUp() {
        DataSource dataSource = TestPostgres.newDatabase().dataSource();
        SchedulerMigrations.migrate(dataSource);
        AssetMigrations.migrate(dataSource);
        DSLContext dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        store = new JooqSchedulerStore(dsl, Clock.systemUTC());
        DagBuilder flood = Dag.builder("flood").param(Param.array("items").defaultValue(List.of()));
        flood.task("work", ctx -> null).expandParam("items").pool("narrow").priorityWeight(100);
        DagBuilder other = Dag.builder("other");
        other.task("report", ctx -> null).pool("wide");
        DagBuilder heavy = Dag.builder("heavy").param(Param.array("items").defaultValue(List.of()));
        heavy.task("query", ctx -> null).expandParam("items").pool("wide", 2).priorityWeight(50);
        new DagService(store, new JooqAssetRegistry(dsl), new JooqRunHistory(dsl)).sync(List.of(flood.build(),
                other.build(), heavy.build()));
        runs = new RunService(store, new JooqRunHistory(dsl), Clock.systemUTC());
        tasks = new TaskExecutionService(store, Clock.systemUTC());
        pools = new Pools(new JooqPoolStore(dsl));
    }

    @Test
    void aFullPoolWithAThousandWaitingInstancesDoesNotStarveAnotherPool() {
        pools.put("narrow", 1, "one at a time");
        pools.put("wide", 4, "");
        runs.trigger("flood", Map.of("items", IntStream.range(0, 1_200).boxed().toList()), "manual", null);
        DagRunView other = runs.trigger("other", Map.of(), "manual", null);
        store.queueScheduledTasks();

        List<ClaimedTask> claimed = tasks.claim("worker", List.of("default"), 100);

        assertThat(claimed).extracting(ClaimedTask::dagId).containsExactlyInAnyOrder("flood", "other");
        assertThat(claimed).filteredOn(t -> t.dagId().equals("other")).extracting(ClaimedTask::runId)
                .containsExactly(other.runId());
        PoolView narrow = pools.find("narrow").orElseThrow();
        assertThat(narrow).extracting(PoolView::slots, PoolView::running, PoolView::queued, PoolView::scheduled)
                .containsExactly(1, 1, 0, 1_199);
        assertThat(narrow.openSlots()).isZero();
    }

    @Test
    void aTaskTakingTwoSlotsOfItsPoolLeavesRoomForFewerOthers() {
        pools.put("wide", 5, "");
        runs.trigger("heavy", Map.of("items", List.of(1, 2, 3)), "manual", null);
        runs.trigger("other", Map.of(), "manual", null);
        store.queueScheduledTasks();

        List<ClaimedTask> claimed = tasks.claim("worker", List.of("default"), 100);

        assertThat(claimed).extracting(ClaimedTask::dagId).as("two queries take 4 slots; the report takes the 5th")
                .containsExactlyInAnyOrder("heavy", "heavy", "other");
        PoolView wide = pools.find("wide").orElseThrow();
        assertThat(wide).extracting(PoolView::running, PoolView::scheduled, PoolView::usedSlots)
                .containsExactly(3, 1, 5);
        assertThat(wide.openSlots()).isZero();

        ClaimedTask report = claimed.stream().filter(t -> t.dagId().equals("other")).findFirst().orElseThrow();
        tasks.complete(new TaskAttempt(report.taskInstanceId(), report.attempt()), "null");
        store.queueScheduledTasks();
        assertThat(tasks.claim("worker", List.of("default"), 100)).as("one slot free, the third query needs two")
                .isEmpty();
        ClaimedTask query = claimed.stream().filter(t -> t.dagId().equals("heavy")).findFirst().orElseThrow();
        tasks.complete(new TaskAttempt(query.taskInstanceId(), query.attempt()), "null");
        store.queueScheduledTasks();
        assertThat(tasks.claim("worker", List.of("default"), 100)).extracting(ClaimedTask::dagId)
                .containsExactly("heavy");
    }

    @Test
    void aTaskSettingPoolSlotsWithoutAPoolOrBelowOneFailsAtLoadNamingIt() {
        DagBuilder bad = Dag.builder("bad");
        assertThatThrownBy(() -> bad.task("q", ctx -> null).poolSlots(0))
                .hasMessageContaining("task 'q': poolSlots must be at least 1, got 0");
        bad.task("r", ctx -> null).poolSlots(2);
        assertThatThrownBy(bad::build).hasMessageContaining("task 'r' sets poolSlots but names no pool");
    }

    @Test
    void resizingAPoolLetsMoreOfItsWaitingInstancesRun() {
        pools.put("narrow", 1, "");
        runs.trigger("flood", Map.of("items", List.of(1, 2, 3, 4)), "manual", null);
        assertThat(tasks.claim("worker", List.of("default"), 100)).hasSize(1);

        pools.put("narrow", 3, "widened for the backlog");
        store.queueScheduledTasks();

        assertThat(tasks.claim("worker", List.of("default"), 100)).hasSize(2);
        assertThat(pools.list()).extracting(PoolView::name, PoolView::slots, PoolView::description, PoolView::running)
                .containsExactly(tuple("narrow", 3, "widened for the backlog", 3));
    }

    @Test
    void aPoolInUseCannotBeDeletedAndAnIdleOneCan() {
        pools.put("narrow", 1, "");
        runs.trigger("flood", Map.of("items", List.of(1)), "manual", null);
        ClaimedTask task = tasks.claim("worker", List.of("default"), 100).getFirst();

        assertThatThrownBy(() -> pools.delete("narrow")).isInstanceOf(RunStateConflictException.class)
                .hasMessageContaining("pool 'narrow' has 1 running, 0 queued and 0 waiting task instances");
        tasks.complete(new TaskAttempt(task.taskInstanceId(), task.attempt()), "null");
        assertThat(pools.delete("narrow")).isTrue();
        assertThat(pools.delete("narrow")).as("gone").isFalse();
        assertThatThrownBy(() -> pools.put("no spaces", 1, "")).hasMessageContaining("a pool name must be");
        assertThatThrownBy(() -> pools.put("p", -1, "")).hasMessageContaining("slots must be 0 or more");
    }
}

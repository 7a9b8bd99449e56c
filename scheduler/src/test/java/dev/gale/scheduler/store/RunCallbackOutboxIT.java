package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.engine.DeliveryRetry;
import dev.gale.scheduler.service.ClaimedRunCallback;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.NotificationDispatcher;
import dev.gale.scheduler.service.NotificationView;
import dev.gale.scheduler.service.RunCallbackDeliveries;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.scheduler.service.WorkerRegistration;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Notifier;
import dev.gale.sdk.Param;
import dev.gale.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Run callbacks in the notification outbox on a real PostgreSQL: only workers of the callback's queue
 * that have its DAG get it, a lapsed claim is handed out again and its late report ignored, a failed one
 * is retried with backoff, and the HTTP dispatcher never takes one.
 */
class RunCallbackOutboxIT {
    private static final Duration LEASE = Duration.ofMinutes(3);

    private final MovableClock clock = new MovableClock(Instant.now());
    private RunService runs;
    private TaskExecutionService tasks;
    private JooqNotificationOutbox outbox;
    private RunCallbackDeliveries deliveries;
    private NotificationDispatcher dispatcher;

    @BeforeEach
    void setUp() {
        DataSource dataSource = TestPostgres.newDatabase().dataSource();
        SchedulerMigrations.migrate(dataSource);
        AssetMigrations.migrate(dataSource);
        var dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        JooqSchedulerStore store = new JooqSchedulerStore(dsl, clock);
        JooqRunHistory history = new JooqRunHistory(dsl);
        DagBuilder paged = Dag.builder("paged").param(Param.string("team").defaultValue("data"))
                .notify(Notifier.webhook("http://127.0.0.1:9/closed"))
                .onRunFailure(ctx -> { }).runCallbacksOn("ops");
        paged.task("build", ctx -> null);
        new DagService(store, new JooqAssetRegistry(dsl), history).sync(List.of(paged.build()));
        runs = new RunService(store, history, clock);
        tasks = new TaskExecutionService(store, clock);
        outbox = new JooqNotificationOutbox(dsl);
        DeliveryRetry retry = new DeliveryRetry(Duration.ofSeconds(10), Duration.ofMinutes(5), 5);
        deliveries = new RunCallbackDeliveries(outbox, retry, LEASE, clock);
        dispatcher = new NotificationDispatcher(outbox, Map.<String, String>of()::get, "http://gale.example.com/",
                id -> java.util.Optional.empty(), retry, clock);
        tasks.registerWorker(new WorkerRegistration("ops-worker", "host", List.of("default", "ops"), "{}", "dev",
                clock.instant(), "i1"));
        tasks.registerWorker(new WorkerRegistration("other-worker", "host", List.of("default"), "{}", "dev",
                clock.instant(), "i2"));
    }

    @AfterEach
    void stop() {
        dispatcher.close();
    }

    private DagRunView runThatFails() {
        DagRunView run = runs.trigger("paged", Map.of("team", "ops"), "manual", null);
        ClaimedTask task = tasks.claim("ops-worker", List.of("default"), 1).getFirst();
        tasks.fail(new TaskAttempt(task.taskInstanceId(), task.attempt()), "disk full", false);
        return run;
    }

    private NotificationView callback(DagRunView run) {
        return outbox.forRun("paged", run.runId()).stream().filter(n -> n.kind().equals("callback")).findFirst()
                .orElseThrow();
    }

    @Test
    void onlyAWorkerOfTheCallbacksQueueWithItsDagGetsItWithTheRunsContextAndTheHttpDispatcherNever() {
        DagRunView run = runThatFails();

        assertThat(dispatcher.deliverDue()).as("the webhook only").isEqualTo(1);
        assertThat(deliveries.claim("other-worker", List.of(), 5)).as("not on queue ops").isEmpty();
        assertThat(deliveries.claim("never-registered", List.of(), 5)).isEmpty();
        assertThat(deliveries.claim("ops-worker", List.of("another_dag"), 5)).as("the worker lacks the DAG").isEmpty();

        List<ClaimedRunCallback> claimed = deliveries.claim("ops-worker", List.of("paged"), 5);
        assertThat(claimed).hasSize(1);
        ClaimedRunCallback c = claimed.getFirst();
        assertThat(c.attempt()).isEqualTo(1);
        assertThat(c.event()).isEqualTo("failed");
        assertThat(c.dagId()).isEqualTo("paged");
        assertThat(c.runId()).isEqualTo(run.runId());
        assertThat(c.state()).isEqualTo("failed");
        assertThat(c.paramsJson()).contains("\"team\"").contains("\"ops\"");
        assertThat(c.logicalDate()).isNull();
        assertThat(c.dagVersionHash()).hasSize(64);
        assertThat(c.failedTasks()).extracting(ClaimedRunCallback.FailedTask::taskId).containsExactly("build");
        assertThat(c.failedTasks().getFirst().error()).contains("disk full");
        assertThat(deliveries.claim("ops-worker", List.of(), 5)).as("held by its claim").isEmpty();

        deliveries.report("ops-worker", c.id(), 1, Optional.empty());
        assertThat(callback(run).state()).isEqualTo("delivered");
        clock.advance(Duration.ofHours(1));
        assertThat(deliveries.claim("ops-worker", List.of(), 5)).as("delivered once").isEmpty();
        assertThat(dispatcher.deliverDue()).as("the webhook's retry, never the callback").isEqualTo(1);
    }

    @Test
    void aClaimThatLapsesIsHandedOutAgainItsLateReportIgnoredAndAFailedOneRetriedWithBackoff() {
        DagRunView run = runThatFails();
        ClaimedRunCallback first = deliveries.claim("ops-worker", List.of(), 5).getFirst();

        clock.advance(LEASE.plusSeconds(1));
        ClaimedRunCallback second = deliveries.claim("ops-worker", List.of(), 5).getFirst();
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.attempt()).isEqualTo(2);
        deliveries.report("ops-worker", first.id(), first.attempt(), Optional.empty());
        assertThat(callback(run).state()).as("the lapsed claim's report counts for nothing").isEqualTo("pending");

        deliveries.report("ops-worker", second.id(), second.attempt(), Optional.of("java.lang.IllegalStateException: pager down"));
        NotificationView failed = callback(run);
        assertThat(failed.state()).isEqualTo("pending");
        assertThat(failed.lastError()).isEqualTo("worker ops-worker: java.lang.IllegalStateException: pager down");
        assertThat(failed.nextAttemptAt()).as("the second wait is twice the first")
                .isBetween(clock.instant().plusSeconds(19), clock.instant().plusSeconds(21));
        clock.advance(Duration.ofSeconds(19));
        assertThat(deliveries.claim("ops-worker", List.of(), 5)).as("waits for its backoff").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        ClaimedRunCallback third = deliveries.claim("ops-worker", List.of(), 5).getFirst();
        assertThat(third.attempt()).isEqualTo(3);
        deliveries.report("ops-worker", third.id(), 3, Optional.empty());
        assertThat(callback(run)).extracting(NotificationView::state, NotificationView::attempts)
                .containsExactly("delivered", 3);
    }
}

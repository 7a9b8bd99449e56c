package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.engine.DeliveryRetry;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.NotificationDispatcher;
import dev.gale.scheduler.service.NotificationOutbox;
import dev.gale.scheduler.service.NotificationView;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Notifier;
import dev.gale.sdk.Notifier.RunEvent;
import dev.gale.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Run notifications on a real PostgreSQL, delivered over real HTTP to local receivers that record what
 * they get: signed webhooks retried with backoff past two failures, Slack's format, deadlines missed once.
 */
class NotificationsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SECRET = "s3cret-for-tests";

    private final MovableClock clock = new MovableClock(Instant.now());
    private final RecordingReceiver flaky = new RecordingReceiver(2);
    private final RecordingReceiver slack = new RecordingReceiver(0);
    private DSLContext dsl;
    private RunService runs;
    private TaskExecutionService tasks;
    private NotificationOutbox outbox;
    private NotificationDispatcher dispatcher;

    @BeforeEach
    void setUp() {
        DataSource dataSource = TestPostgres.newDatabase().dataSource();
        SchedulerMigrations.migrate(dataSource);
        AssetMigrations.migrate(dataSource);
        dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        JooqSchedulerStore store = new JooqSchedulerStore(dsl, clock);
        JooqRunHistory history = new JooqRunHistory(dsl);
        DagBuilder report = Dag.builder("report")
                .notify(Notifier.webhook(flaky.url()).signedWithSecretFrom("REPORT_HOOK_SECRET"))
                .notify(Notifier.slack(slack.url()).on(RunEvent.SUCCESS, RunEvent.FAILED))
                .deadlineFromTrigger(Duration.ofMinutes(30));
        report.task("build", ctx -> null);
        new DagService(store, new JooqAssetRegistry(dsl), history).sync(List.of(report.build()));
        runs = new RunService(store, history, clock);
        tasks = new TaskExecutionService(store, clock);
        outbox = new JooqNotificationOutbox(dsl);
        dispatcher = new NotificationDispatcher(outbox, Map.of("REPORT_HOOK_SECRET", SECRET)::get,
                "http://gale.example.com/", id -> java.util.Optional.empty(), new DeliveryRetry(Duration.ofSeconds(10), Duration.ofMinutes(5), 5), clock);
    }

    @AfterEach
    void stop() {
        flaky.close();
        slack.close();
        dispatcher.close();
    }

    private DagRunView runThatFails() {
        DagRunView run = runs.trigger("report", Map.of(), "manual", null);
        ClaimedTask task = tasks.claim("worker", List.of("default"), 1).getFirst();
        tasks.fail(new TaskAttempt(task.taskInstanceId(), task.attempt()), "disk full", false);
        return run;
    }

    @Test
    void aFailedRunIsDeliveredSignedAndRetriedWithBackoffUntilTheReceiverTakesIt() {
        DagRunView run = runThatFails();

        assertThat(dispatcher.deliverDue()).as("the webhook and the Slack message").isEqualTo(2);
        assertThat(dispatcher.deliverDue()).as("the failed delivery waits for its backoff").isZero();
        clock.advance(Duration.ofSeconds(10));
        assertThat(dispatcher.deliverDue()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(19));
        assertThat(dispatcher.deliverDue()).as("the second wait is twice the first").isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(dispatcher.deliverDue()).isEqualTo(1);
        clock.advance(Duration.ofHours(1));
        assertThat(dispatcher.deliverDue()).as("delivered: nothing more to send").isZero();

        List<RecordingReceiver.Received> got = flaky.received();
        assertThat(got).extracting(RecordingReceiver.Received::answeredWith).containsExactly(500, 500, 200);
        assertThat(got).extracting(r -> r.headers().get("gale-delivery")).as("one delivery id, so receivers can dedupe")
                .containsOnly(got.getFirst().headers().get("gale-delivery"));
        RecordingReceiver.Received last = got.getLast();
        assertThat(last.headers().get("gale-signature")).isEqualTo("sha256=" + NotificationDispatcher.sign(SECRET,
                last.headers().get("gale-timestamp") + "." + last.body()));
        assertThat(last.headers().get("gale-event")).isEqualTo("failed");
        JsonNode payload = JSON.readTree(last.body());
        assertThat(payload.get("event").asString()).isEqualTo("failed");
        assertThat(payload.get("dagId").asString()).isEqualTo("report");
        assertThat(payload.get("runId").asString()).isEqualTo(run.runId());
        assertThat(payload.get("failedTasks").valueStream().map(JsonNode::asString).toList()).containsExactly("build");
        assertThat(payload.get("error").asString()).contains("disk full");
        assertThat(payload.get("url").asString()).isEqualTo("http://gale.example.com/dags/report/runs/" + run.runId());

        String slackText = JSON.readTree(slack.received().getFirst().body()).get("text").asString();
        assertThat(slackText).contains("DAG *report* run `" + run.runId() + "` :x: failed").contains("disk full")
                .contains("<http://gale.example.com/dags/report/runs/" + run.runId() + "|View run>");
        assertThat(outbox.forRun("report", run.runId())).extracting(NotificationView::kind, NotificationView::state,
                        NotificationView::attempts, NotificationView::lastStatusCode)
                .containsExactlyInAnyOrder(tuple("webhook", "delivered", 3, 200),
                        tuple("slack", "delivered", 1, 200));
    }

    @Test
    void aReceiverThatNeverTakesItIsGivenUpAfterTheLastAttemptWithTheReasonRecorded() {
        flaky.close();
        DagRunView run = runThatFails();
        for (int i = 0; i < 6; i++) {
            dispatcher.deliverDue();
            clock.advance(Duration.ofMinutes(10));
        }

        NotificationView webhook = outbox.forRun("report", run.runId()).stream()
                .filter(n -> n.kind().equals("webhook")).findFirst().orElseThrow();
        assertThat(webhook.state()).isEqualTo("failed");
        assertThat(webhook.attempts()).isEqualTo(5);
        assertThat(webhook.lastError()).contains("cannot reach " + flaky.url());
    }

    @Test
    void aSuccessfulRunIsSentOnlyToTheNotifiersThatAskForSuccess() {
        DagRunView run = runs.trigger("report", Map.of(), "manual", null);
        ClaimedTask task = tasks.claim("worker", List.of("default"), 1).getFirst();
        tasks.complete(new TaskAttempt(task.taskInstanceId(), task.attempt()), "null");

        dispatcher.deliverDue();

        assertThat(flaky.received()).isEmpty();
        assertThat(JSON.readTree(slack.received().getFirst().body()).get("text").asString())
                .contains(run.runId() + "` :white_check_mark: succeeded");
    }

    @Test
    void aRunPastItsDeadlineIsRecordedAndNotifiedOnceAndARunThatFinishedInTimeIsNot() {
        DagRunView late = runs.trigger("report", Map.of(), "manual", null);
        assertThat(outbox.recordMissedDeadlines(clock.instant().plus(Duration.ofMinutes(29)))).isZero();

        assertThat(outbox.recordMissedDeadlines(clock.instant().plus(Duration.ofMinutes(31)))).isEqualTo(1);
        assertThat(outbox.recordMissedDeadlines(clock.instant().plus(Duration.ofMinutes(45)))).as("once").isZero();

        NotificationOutbox.RunDeadline deadline = outbox.deadline("report", late.runId()).orElseThrow();
        assertThat(deadline.dueAt()).isAfter(late.queuedAt().plus(Duration.ofMinutes(29)))
                .isBefore(late.queuedAt().plus(Duration.ofMinutes(31)));
        assertThat(deadline.missedAt()).isNotNull();
        assertThat(outbox.missedDeadlines(List.of("report", "nope"))).as("the DAG list's count and latest late run")
                .containsExactly(Map.entry("report", new NotificationOutbox.MissedDeadlines(1, late.runId(),
                        deadline.missedAt())));
        dispatcher.deliverDue();
        clock.advance(Duration.ofSeconds(10));
        dispatcher.deliverDue();
        clock.advance(Duration.ofSeconds(20));
        dispatcher.deliverDue();
        assertThat(flaky.received()).extracting(r -> r.headers().get("gale-event")).containsOnly("deadline_missed");
        assertThat(flaky.received().getLast().answeredWith()).isEqualTo(200);
        assertThat(slack.received()).as("the Slack notifier did not ask for deadlines").isEmpty();

        ClaimedTask task = tasks.claim("worker", List.of("default"), 1).getFirst();
        tasks.complete(new TaskAttempt(task.taskInstanceId(), task.attempt()), "null");
        DagRunView inTime = runs.trigger("report", Map.of(), "manual", null);
        ClaimedTask next = tasks.claim("worker", List.of("default"), 1).getFirst();
        tasks.complete(new TaskAttempt(next.taskInstanceId(), next.attempt()), "null");
        assertThat(outbox.recordMissedDeadlines(clock.instant().plus(Duration.ofHours(2)))).isZero();
        assertThat(outbox.deadline("report", inTime.runId()).orElseThrow().missedAt()).isNull();
    }
}

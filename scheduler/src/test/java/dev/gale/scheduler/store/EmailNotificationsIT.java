package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.engine.DeliveryRetry;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.Connection;
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
import dev.gale.testing.TestPostgres;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jooq.impl.DSL;
import org.jooq.SQLDialect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Email notifications on a real PostgreSQL, sent to a real SMTP server in this JVM (GreenMail): one
 * that is down for the first two attempts gets the email on the third, with its recipients, subject and
 * body; a missing or wrong-type Connection is recorded as the notification's error.
 */
class EmailNotificationsIT {
    private final MovableClock clock = new MovableClock(Instant.now());
    private int port;
    private GreenMail smtp;
    private RunService runs;
    private TaskExecutionService tasks;
    private NotificationOutbox outbox;
    private NotificationDispatcher dispatcher;

    @BeforeEach
    void setUp() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Map<String, Connection> connections = Map.of(
                "smtp_default", new Connection("smtp_default", "smtp", "127.0.0.1", port, "gale", "mail-s3cret", null,
                        "{\"from\": \"gale@example.com\", \"starttls\": false}"),
                "warehouse", new Connection("warehouse", "postgres", "db.example.com", 5432, "etl", "pw", "dw", null));
        DataSource dataSource = TestPostgres.newDatabase().dataSource();
        SchedulerMigrations.migrate(dataSource);
        AssetMigrations.migrate(dataSource);
        var dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        JooqSchedulerStore store = new JooqSchedulerStore(dsl, clock);
        JooqRunHistory history = new JooqRunHistory(dsl);
        DagBuilder report = Dag.builder("report")
                .notify(Notifier.email("oncall@example.com", "data-team@example.com"))
                .notify(Notifier.email("dba@example.com").connection("warehouse"))
                .notify(Notifier.email("nobody@example.com").connection("smtp_missing"));
        report.task("build", ctx -> null);
        new DagService(store, new JooqAssetRegistry(dsl), history).sync(List.of(report.build()));
        runs = new RunService(store, history, clock);
        tasks = new TaskExecutionService(store, clock);
        outbox = new JooqNotificationOutbox(dsl);
        dispatcher = new NotificationDispatcher(outbox, Map.<String, String>of()::get, "http://gale.example.com/",
                id -> Optional.ofNullable(connections.get(id)),
                new DeliveryRetry(Duration.ofSeconds(10), Duration.ofMinutes(5), 5), clock);
    }

    @AfterEach
    void stop() {
        if (smtp != null) {
            smtp.stop();
        }
        dispatcher.close();
    }

    private void startSmtp() {
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("gale", "mail-s3cret"));
        smtp.start();
    }

    private NotificationView notification(String runId, String target) {
        return outbox.forRun("report", runId).stream().filter(n -> n.url().equals(target)).findFirst().orElseThrow();
    }

    @Test
    void aFailedRunIsEmailedOnceTheSmtpServerIsUpWithTheRunTheFailedTaskTheErrorAndALink() throws Exception {
        DagRunView run = runs.trigger("report", Map.of(), "manual", null);
        ClaimedTask task = tasks.claim("worker", List.of("default"), 1).getFirst();
        tasks.fail(new TaskAttempt(task.taskInstanceId(), task.attempt()), "disk full", false);

        assertThat(dispatcher.deliverDue()).as("the three email notifiers").isEqualTo(3);
        NotificationView down = notification(run.runId(), "mailto:oncall@example.com,data-team@example.com");
        assertThat(down.state()).isEqualTo("pending");
        assertThat(down.lastError()).contains("cannot send through smtp://127.0.0.1:" + port
                + " (connection 'smtp_default')").doesNotContain("mail-s3cret");
        clock.advance(Duration.ofSeconds(10));
        assertThat(dispatcher.deliverDue()).as("second attempts, the server still down").isEqualTo(3);

        startSmtp();
        clock.advance(Duration.ofSeconds(20));
        dispatcher.deliverDue();

        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).as("one copy per recipient mailbox").hasSize(2);
        MimeMessage mail = received[0];
        assertThat(Arrays.stream(mail.getRecipients(Message.RecipientType.TO)).map(Object::toString))
                .containsExactly("oncall@example.com", "data-team@example.com");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("gale@example.com");
        assertThat(mail.getSubject()).isEqualTo("[Gale] DAG report run " + run.runId() + " failed");
        assertThat(mail.getMessageID()).isEqualTo("<gale-notification-" + down.id() + "@127.0.0.1>");
        String body = GreenMailUtil.getBody(mail);
        assertThat(body).contains("DAG:          report", "Run:          " + run.runId() + " (manual)",
                "State:        failed", "Failed tasks: build", "disk full",
                "View the run: http://gale.example.com/dags/report/runs/" + run.runId());

        assertThat(outbox.forRun("report", run.runId())).extracting(NotificationView::url, NotificationView::state,
                        NotificationView::attempts, NotificationView::lastStatusCode)
                .containsExactlyInAnyOrder(
                        tuple("mailto:oncall@example.com,data-team@example.com", "delivered", 3, 250),
                        tuple("mailto:dba@example.com", "pending", 3, null),
                        tuple("mailto:nobody@example.com", "pending", 3, null));
        assertThat(notification(run.runId(), "mailto:dba@example.com").lastError())
                .isEqualTo("connection 'warehouse' is of type 'postgres', not smtp; an email notifier sends through"
                        + " a connection of type smtp");
        assertThat(notification(run.runId(), "mailto:nobody@example.com").lastError())
                .startsWith("connection 'smtp_missing' does not exist; create it with type smtp")
                .contains("GALE_CONN_SMTP_MISSING=smtp://");

        clock.advance(Duration.ofHours(1));
        dispatcher.deliverDue();
        assertThat(smtp.getReceivedMessages()).as("delivered: not sent again").hasSize(2);
    }
}

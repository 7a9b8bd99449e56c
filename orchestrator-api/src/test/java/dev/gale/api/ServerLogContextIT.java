package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.scheduler.store.JooqSchedulerStore;
import dev.gale.tei.v1.Assignment;
import dev.gale.tei.v1.StartTaskRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The lines the server writes about an attempt (its claim, its outcome) carry the attempt in the MDC, as a worker's do. */
class ServerLogContextIT {
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of());

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger outcomes = (Logger) LoggerFactory.getLogger(TaskExecutionService.class);
    private final Logger claims = (Logger) LoggerFactory.getLogger("dev.gale.api.grpc.v1.AssignmentDispatcher");
    private Level claimsLevel;

    @BeforeEach
    void listen() {
        lines.start();
        outcomes.addAppender(lines);
        claims.addAppender(lines);
        // Claims are written at DEBUG: at INFO a busy server would write one line per task instance.
        claimsLevel = claims.getLevel();
        claims.setLevel(Level.DEBUG);
    }

    @AfterEach
    void stopListening() {
        outcomes.detachAppender(lines);
        claims.detachAppender(lines);
        claims.setLevel(claimsLevel);
    }

    @Test
    void theClaimAndTheFailureOfAnAttemptAreWrittenWithItsDagRunTaskMapIndexAttemptAndWorker() throws Exception {
        JsonNode run = JSON.readTree(gale.post("/api/v1/dags/fails_first_attempt_for_tests/runs?wait=PT30S", "{}")
                .body());
        assertThat(run.get("state").asString()).isEqualTo("failed");
        String runId = run.get("runId").asString();
        Map<String, String> flaky = Map.of("dagId", "fails_first_attempt_for_tests", "runId", runId,
                "taskId", "flaky", "mapIndex", "-1", "attempt", "1", "workerId", "test-worker");

        await().atMost(Duration.ofSeconds(5)).until(() -> ofRun(runId).size() >= 2);
        List<ILoggingEvent> written = ofRun(runId);
        assertThat(written).anySatisfy(line -> {
            assertThat(line.getLoggerName()).endsWith("AssignmentDispatcher");
            assertThat(line.getFormattedMessage())
                    .isEqualTo("Assigned attempt 1 of fails_first_attempt_for_tests.flaky to worker test-worker");
            assertThat(line.getMDCPropertyMap()).containsAllEntriesOf(flaky);
        });
        assertThat(written).anySatisfy(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.INFO);
            assertThat(line.getFormattedMessage()).startsWith(
                    "Attempt 1 of fails_first_attempt_for_tests.flaky failed (failed now): ")
                    .contains("the first attempt always fails");
            assertThat(line.getMDCPropertyMap()).containsAllEntriesOf(flaky);
        });
    }

    @Test
    void theSchedulerFailingAnAttemptWhoseWorkerWentSilentIsWrittenWithTheAttemptAndItsWorker() throws Exception {
        Logger store = (Logger) LoggerFactory.getLogger(JooqSchedulerStore.class);
        store.addAppender(lines);
        try (GaleTestServer server = new GaleTestServer(Map.of("gale.heartbeat.timeout", "PT1S",
                "gale.heartbeat.interval", "PT0.3S", "gale.scheduler.interval", "PT0.2S"), false);
             HandWrittenWorker silent = new HandWrittenWorker(server.grpcPort(), "silent-worker")) {
            String runId = JSON.readTree(server.post("/api/v1/dags/fails_first_attempt_for_tests/runs", "{}").body())
                    .get("runId").asString();
            Assignment assignment = silent.nextAssignment();
            silent.tei.startTask(StartTaskRequest.newBuilder().setTaskToken(assignment.getTaskToken()).build());

            // It never heartbeats: the scheduling loop fails the attempt once the heartbeat timeout has passed.
            await().atMost(Duration.ofSeconds(10)).until(() -> ofRun(runId).stream()
                    .anyMatch(line -> line.getLoggerName().equals(JooqSchedulerStore.class.getName())));
            ILoggingEvent failed = ofRun(runId).stream()
                    .filter(line -> line.getLoggerName().equals(JooqSchedulerStore.class.getName())).findFirst()
                    .orElseThrow();
            assertThat(failed.getLevel()).isEqualTo(Level.WARN);
            assertThat(failed.getFormattedMessage()).isEqualTo("Failed attempt 1 of fails_first_attempt_for_tests.flaky"
                    + " (failed now): no heartbeat from its worker for 1 s; the worker is presumed dead");
            assertThat(failed.getMDCPropertyMap()).containsAllEntriesOf(Map.of("dagId", "fails_first_attempt_for_tests",
                    "runId", runId, "taskId", "flaky", "mapIndex", "-1", "attempt", "1", "workerId", "silent-worker"));
        } finally {
            store.detachAppender(lines);
        }
    }

    private List<ILoggingEvent> ofRun(String runId) {
        return lines.list.stream().filter(line -> runId.equals(line.getMDCPropertyMap().get("runId"))).toList();
    }
}

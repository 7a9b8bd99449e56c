package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gale.scheduler.service.TaskExecutionService;
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

    private List<ILoggingEvent> ofRun(String runId) {
        return lines.list.stream().filter(line -> runId.equals(line.getMDCPropertyMap().get("runId"))).toList();
    }
}

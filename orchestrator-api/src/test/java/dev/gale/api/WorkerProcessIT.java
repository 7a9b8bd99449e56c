package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gale.api.security.TaskTokens;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.SchedulerStore;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskInstanceView;
import dev.gale.tei.v1.CompleteTaskRequest;
import dev.gale.tei.v1.TaskExecutionGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Failure semantics with real worker processes (the packaged worker jar) against a real server:
 * SIGKILL mid-task, and SIGTERM drain.
 */
class WorkerProcessIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static GaleTestServer gale;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        gale = new GaleTestServer(Map.of("gale.heartbeat.timeout", "PT2S", "gale.heartbeat.interval", "PT0.5S",
                "gale.scheduler.interval", "PT0.2S", "gale.task-token.secret", "worker-process-test"), false);
    }

    @AfterAll
    static void stop() {
        gale.close();
    }

    private String trigger(Path marker, double seconds) throws Exception {
        return trigger(marker, seconds, -1);
    }

    private String trigger(Path marker, double seconds, double retrySeconds) throws Exception {
        String conf = JSON.writeValueAsString(Map.of("conf", Map.of("markerFile", marker.toString(), "seconds", seconds,
                "retrySeconds", retrySeconds)));
        return JSON.readTree(gale.post("/api/v1/dags/marked_for_tests/runs", conf).body()).get("runId").asString();
    }

    private static TaskInstanceView mark(String runId) {
        return gale.context.getBean(SchedulerStore.class).findTaskInstance(runId, "mark", -1).orElseThrow();
    }

    private static JsonNode run(String runId) throws Exception {
        return JSON.readTree(gale.get("/api/v1/dags/marked_for_tests/runs/" + runId).body());
    }

    private static void awaitConnected(WorkerProcesses workers, String workerId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> workers.output(workerId).contains("connected to"));
    }

    @Test
    void aKilledWorkersAttemptIsFailedByTheHeartbeatTimeoutAndRetriedOnAnotherWorker() throws Exception {
        try (WorkerProcesses workers = new WorkerProcesses(dir)) {
            Process doomed = workers.start("doomed", gale.grpcPort());
            awaitConnected(workers, "doomed");
            Path marker = dir.resolve("marker.txt");
            // Long enough that the first attempt is still running when its worker is killed, however long the
            // second worker takes to start on a busy machine; the retry is short.
            String runId = trigger(marker, 30, 1);
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(marker)
                    && Files.readString(marker).startsWith("start 1"));
            assertThat(mark(runId).workerId()).isEqualTo("doomed");
            // Logs shipped with heartbeats: readable although the worker is about to die.
            await().atMost(Duration.ofSeconds(5)).until(() -> gale.get("/api/v1/dags/marked_for_tests/runs/" + runId
                    + "/tasks/mark/logs?attempt=1").body().contains("marking attempt 1"));

            Process survivor = workers.start("survivor", gale.grpcPort());
            awaitConnected(workers, "survivor");
            long killedAt = System.currentTimeMillis();
            doomed.destroyForcibly();
            doomed.waitFor();

            await().atMost(Duration.ofSeconds(30)).until(() -> run(runId).get("state").asString().equals("success"));
            TaskInstanceView mark = mark(runId);
            assertThat(mark.attempt()).isEqualTo(2);
            assertThat(mark.workerId()).isEqualTo("survivor");
            assertThat(run(runId).get("result").asInt()).isEqualTo(2);
            List<String> lines = Files.readAllLines(marker);
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).startsWith("start 1 ");
            assertThat(lines.get(1)).startsWith("start 2 ");
            assertThat(lines.get(2)).isEqualTo("end 2");
            long secondStartedAt = Long.parseLong(lines.get(1).split(" ")[2]);
            assertThat(secondStartedAt).as("attempt 2 began only after attempt 1's worker was dead")
                    .isGreaterThan(killedAt);
            assertThat(survivor.isAlive()).isTrue();

            // The killed attempt's completion, arriving late, is refused and changes nothing.
            String lateToken = gale.context.getBean(TaskTokens.class).issue(new TaskAttempt(mark.id(), 1));
            var channel = NettyChannelBuilder.forAddress("localhost", gale.grpcPort()).usePlaintext().build();
            try {
                assertThatThrownBy(() -> TaskExecutionGrpc.newBlockingStub(channel).completeTask(
                        CompleteTaskRequest.newBuilder().setTaskToken(lateToken).setOutputJson("1").build()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
            } finally {
                channel.shutdownNow();
            }
            assertThat(run(runId).get("result").asInt()).isEqualTo(2);
            assertThat(mark(runId).state()).isEqualTo(TaskInstanceState.SUCCESS);
        }
    }

    @Test
    void sigtermLetsATaskFinishWithinTheGracePeriodAndHandsBackOneThatDoesNot() throws Exception {
        try (WorkerProcesses workers = new WorkerProcesses(dir)) {
            Process patient = workers.start("patient", gale.grpcPort(), "--drain-seconds", "10");
            awaitConnected(workers, "patient");
            Path quickMarker = dir.resolve("quick.txt");
            String quick = trigger(quickMarker, 1.5);
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(quickMarker));
            patient.destroy();
            assertThat(patient.waitFor()).isNotEqualTo(137);
            assertThat(run(quick).get("state").asString()).isEqualTo("success");
            assertThat(mark(quick).attempt()).isEqualTo(1);

            Process hasty = workers.start("hasty", gale.grpcPort(), "--drain-seconds", "1");
            awaitConnected(workers, "hasty");
            Path slowMarker = dir.resolve("slow.txt");
            String slow = trigger(slowMarker, 6);
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(slowMarker));
            hasty.destroy();
            hasty.waitFor();
            TaskInstanceView handedBack = mark(slow);
            assertThat(handedBack.state()).isEqualTo(TaskInstanceState.QUEUED);
            assertThat(handedBack.error()).contains("worker hasty shut down").contains("1 s drain grace period");

            workers.start("successor", gale.grpcPort());
            await().atMost(Duration.ofSeconds(30)).until(() -> run(slow).get("state").asString().equals("success"));
            assertThat(mark(slow).workerId()).isEqualTo("successor");
            List<String> lines = Files.readAllLines(slowMarker);
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).startsWith("start 1 ");
            assertThat(lines.get(1)).startsWith("start 2 ");
            assertThat(lines.get(2)).isEqualTo("end 2");
        }
    }
}

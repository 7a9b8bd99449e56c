package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gale.api.security.Role;
import dev.gale.api.security.TaskTokens;
import dev.gale.scheduler.service.SchedulerStore;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskInstanceView;
import dev.gale.tei.v1.HeartbeatRequest;
import dev.gale.tei.v1.TaskExecutionGrpc;
import dev.gale.testing.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * PostgreSQL stopped under a running server and worker for longer than the heartbeat timeout: calls
 * answer "retry" (503 on REST, UNAVAILABLE on the TEI) and change nothing, the worker keeps the outcome
 * of the task that ended meanwhile and delivers it once the database is back, and the task is not
 * failed for the heartbeats nobody could record.
 */
class DatabaseOutageIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void anOutageLosesNoOutcomeFailsNoTaskAndLeavesNoRunBehindA503() throws Exception {
        try (ExternalPostgres postgres = new ExternalPostgres(dir.resolve("pgdata"));
             GaleTestServer gale = GaleTestServer.on(new TestPostgres.Database(postgres.jdbcUrl(), postgres.user(),
                     postgres.password()), Map.of("gale.heartbeat.timeout", "PT3S", "gale.heartbeat.interval",
                     "PT0.5S", "gale.scheduler.interval", "PT0.2S", "gale.db.connection-timeout", "PT1S"), true)) {
            Path marker = dir.resolve("marker.txt");
            String conf = JSON.writeValueAsString(Map.of("conf", Map.of("markerFile", marker.toString(),
                    "seconds", 2)));
            String runId = JSON.readTree(gale.post("/api/v1/dags/marked_for_tests/runs", conf).body()).get("runId")
                    .asString();
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(marker)
                    && Files.readString(marker).startsWith("start 1"));
            TaskInstanceView mark = gale.context.getBean(SchedulerStore.class)
                    .findTaskInstance(runId, "mark", -1).orElseThrow();
            String token = gale.context.getBean(TaskTokens.class).issue(new TaskAttempt(mark.id(), mark.attempt()));

            String unchecked = gale.token("not-checked-yet", Role.OPERATOR);

            postgres.stopFast();
            HttpResponse<String> refused = gale.post("/api/v1/dags/marked_for_tests/runs", conf);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(JSON.readTree(refused.body()).get("detail").asString()).contains("nothing was changed");
            // Also when the outage meets the token check, before any controller.
            HttpResponse<String> unauthenticated = gale.post("/api/v1/dags/marked_for_tests/runs", conf, unchecked);
            assertThat(unauthenticated.statusCode()).as(unauthenticated.body()).isEqualTo(503);
            assertThat(unauthenticated.headers().firstValue("Retry-After")).hasValue("5");
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", gale.grpcPort()).usePlaintext().build();
            try {
                assertThatThrownBy(() -> TaskExecutionGrpc.newBlockingStub(channel).heartbeat(
                        HeartbeatRequest.newBuilder().setTaskToken(token).build()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
            } finally {
                channel.shutdownNow();
            }
            // The task ends while the database is away; its outcome waits in the worker.
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(marker).contains("end 1"));
            // Down for more than the heartbeat timeout after the task's last recorded heartbeat.
            Thread.sleep(Duration.ofSeconds(4));
            postgres.start();

            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> run(gale, runId).get("state").asString()
                    .equals("success"));
            assertThat(run(gale, runId).get("result").asInt()).as("the result of attempt 1").isEqualTo(1);
            assertThat(Files.readAllLines(marker)).as("one execution").hasSize(2);
            JsonNode runs = JSON.readTree(gale.get("/api/v1/dags/marked_for_tests/runs").body());
            assertThat(runs.get("runs")).as("runs of the DAG: the 503 created none").hasSize(1);
        }
    }

    private static JsonNode run(GaleTestServer gale, String runId) throws Exception {
        return JSON.readTree(gale.get("/api/v1/dags/marked_for_tests/runs/" + runId).body());
    }
}

package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.security.TaskTokens;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.tei.v1.AppendLogsRequest;
import dev.gale.tei.v1.Assignment;
import dev.gale.tei.v1.CompleteTaskRequest;
import dev.gale.tei.v1.EmitAssetEventRequest;
import dev.gale.tei.v1.GetXComRequest;
import dev.gale.tei.v1.LogLine;
import dev.gale.tei.v1.PutXComRequest;
import dev.gale.tei.v1.RecordLlmUsageRequest;
import dev.gale.tei.v1.RegisterRequest;
import dev.gale.tei.v1.StartTaskRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** A worker's mistakes are gRPC client errors naming the field, never INTERNAL with SQL in it. */
class TeiClientErrorsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SECRET = "tei-errors-test-secret";
    private static GaleTestServer gale;
    private static HandWrittenWorker worker;

    @BeforeAll
    static void start() {
        gale = new GaleTestServer(Map.of("gale.task-token.secret", SECRET, "gale.scheduler.interval", "PT0.1S"), false);
        worker = new HandWrittenWorker(gale.grpcPort(), "hand-written-worker");
    }

    @AfterAll
    static void stop() {
        worker.close();
        gale.close();
    }

    private static void assertRefused(ThrowingCallable call, Status.Code code, String... mentions) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(mentions)
                    .doesNotContain("SQL [").doesNotContainIgnoringCase("insert into")
                    .doesNotContainIgnoringCase("select ").doesNotContain("ERROR:");
        });
    }

    private static int xcomCount() {
        return gale.context.getBean(DSLContext.class).fetchCount(DSL.table(DSL.name("gale", "xcom")));
    }

    @Test
    void aNulInAWorkerIdIsInvalidArgument() {
        assertRefused(() -> worker.tei.register(RegisterRequest.newBuilder().setWorkerId("w\u0000x").build()),
                Status.Code.INVALID_ARGUMENT, "worker_id", "NUL");
        assertRefused(() -> worker.tei.register(RegisterRequest.newBuilder().setWorkerId("w")
                .addQueues("q\u0000").build()), Status.Code.INVALID_ARGUMENT, "queues[0]");
    }

    @Test
    void nonJsonOrNulHoldingValuesAreInvalidArgumentNamingTheFieldAndStoreNothing() throws Exception {
        gale.post("/api/v1/dags/hello/runs", "{}");
        Assignment assignment = worker.nextAssignment();
        String token = assignment.getTaskToken();
        worker.tei.startTask(StartTaskRequest.newBuilder().setTaskToken(token).build());
        int xcoms = xcomCount();

        assertRefused(() -> worker.tei.putXCom(PutXComRequest.newBuilder().setTaskToken(token).setKey("rows")
                .setValueJson("not json").build()), Status.Code.INVALID_ARGUMENT, "value_json", "not valid JSON");
        assertRefused(() -> worker.tei.putXCom(PutXComRequest.newBuilder().setTaskToken(token).setKey("rows")
                .setValueJson("\"a\\u0000b\"").build()), Status.Code.INVALID_ARGUMENT, "value_json", "NUL");
        assertRefused(() -> worker.tei.putXCom(PutXComRequest.newBuilder().setTaskToken(token).setKey("r\u0000")
                .setValueJson("1").build()), Status.Code.INVALID_ARGUMENT, "key");
        assertRefused(() -> worker.tei.emitAssetEvent(EmitAssetEventRequest.newBuilder().setTaskToken(token)
                .setAssetName("model://x").setMetadataJson("{\"a\": \"\\ud800\"}").build()),
                Status.Code.INVALID_ARGUMENT, "metadata_json", "surrogate");
        assertRefused(() -> worker.tei.completeTask(CompleteTaskRequest.newBuilder().setTaskToken(token)
                .setOutputJson("{oops").build()), Status.Code.INVALID_ARGUMENT, "output_json");
        assertRefused(() -> worker.tei.completeTask(CompleteTaskRequest.newBuilder().setTaskToken(token)
                .setOutputJson("{\"text\": \"x\\u0000\"}").build()), Status.Code.INVALID_ARGUMENT, "output_json",
                "/text");
        assertThat(xcomCount()).isEqualTo(xcoms);

        // Log lines are kept, their NULs visible as \u0000, rather than refused.
        worker.tei.appendLogs(AppendLogsRequest.newBuilder().setTaskToken(token)
                .addLines(LogLine.newBuilder().setLine("left\u0000right").setTimestampMs(1).build()).build());
        String logs = gale.get("/api/v1/dags/hello/runs/" + assignment.getRunId() + "/tasks/"
                + assignment.getTaskId() + "/logs").body();
        assertThat(JSON.readTree(logs).toString()).contains("left\\\\u0000right");
        worker.tei.completeTask(CompleteTaskRequest.newBuilder().setTaskToken(token).setOutputJson("\"ok\"").build());
    }

    @Test
    void callsForATaskInstanceThatDoesNotExistAreNotFound() {
        String forged = new TaskTokens(SECRET, Clock.systemUTC(), Duration.ofMinutes(5))
                .issue(new TaskAttempt(987_654_321L, 1));
        assertRefused(() -> worker.tei.recordLlmUsage(RecordLlmUsageRequest.newBuilder().setTaskToken(forged)
                .setProvider("local").setModel("m").build()), Status.Code.NOT_FOUND, "987654321", "does not exist");
        assertRefused(() -> worker.tei.getXCom(GetXComRequest.newBuilder().setTaskToken(forged).setTaskId("t")
                .build()), Status.Code.NOT_FOUND, "does not exist");
    }

    @Test
    void anLlmCallsErrorIsShownWithoutTheRunsSecretValues() throws Exception {
        String runId = JSON.readTree(gale.post("/api/v1/dags/secret_for_tests/runs",
                "{\"conf\": {\"apiKey\": \"sk-llm-usage-7731\"}}").body()).get("runId").asString();
        // Skipped: the next tasks of the other tests' hello runs.
        Assignment assignment = worker.nextAssignment();
        while (!assignment.getRunId().equals(runId)) {
            assignment = worker.nextAssignment();
        }
        String token = assignment.getTaskToken();
        worker.tei.startTask(StartTaskRequest.newBuilder().setTaskToken(token).build());
        // A provider's refusal may quote what it was sent, such as the key.
        worker.tei.recordLlmUsage(RecordLlmUsageRequest.newBuilder().setTaskToken(token).setProvider("openai")
                .setModel("gpt-x").setOutcome("error").setError("401: invalid API key sk-llm-usage-7731").build());
        worker.tei.completeTask(CompleteTaskRequest.newBuilder().setTaskToken(token).setOutputJson("\"ok\"").build());

        String usage = gale.get("/api/v1/dags/secret_for_tests/runs/" + runId + "/llm-usage").body();
        assertThat(JSON.readTree(usage).get("calls").get(0).get("error").asString())
                .isEqualTo("401: invalid API key ***");
        assertThat(usage).doesNotContain("sk-llm-usage-7731");
    }
}

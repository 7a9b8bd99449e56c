package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.api.security.TaskTokens;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.SchedulerStore;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskInstanceView;
import dev.gale.tei.v1.AppendLogsRequest;
import dev.gale.tei.v1.Assignment;
import dev.gale.tei.v1.CompleteTaskRequest;
import dev.gale.tei.v1.EmitAssetEventRequest;
import dev.gale.tei.v1.FailTaskRequest;
import dev.gale.tei.v1.GetAssetVersionRequest;
import dev.gale.tei.v1.GetXComRequest;
import dev.gale.tei.v1.HeartbeatRequest;
import dev.gale.tei.v1.LogLine;
import dev.gale.tei.v1.PutXComRequest;
import dev.gale.tei.v1.StartTaskRequest;
import dev.gale.tei.v1.TaskExecutionGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The TEI as a worker in another language would use it, over a real gRPC socket: task-scoped calls
 * with a token for another task instance, an expired or forged token, or a stale attempt are
 * rejected with a clear status and change nothing.
 */
class TaskTokenFencingIT {
    private static final String SECRET = "fencing-test-secret";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static GaleTestServer gale;
    private static HandWrittenWorker worker;
    private static TaskExecutionGrpc.TaskExecutionBlockingStub tei;

    @BeforeAll
    static void start() {
        gale = new GaleTestServer(Map.of("gale.task-token.secret", SECRET, "gale.scheduler.interval", "PT0.1S"), false);
        worker = new HandWrittenWorker(gale.grpcPort(), "hand-written-worker");
        tei = worker.tei;
    }

    @AfterAll
    static void stop() {
        worker.close();
        gale.close();
    }

    private static Assignment nextAssignment() throws InterruptedException {
        return worker.nextAssignment();
    }

    private static String trigger(String dagId) throws Exception {
        return JSON.readTree(gale.post("/api/v1/dags/" + dagId + "/runs", "{}").body()).get("runId").asString();
    }

    private static TaskInstanceView taskInstance(String runId, String taskId) {
        return gale.context.getBean(SchedulerStore.class).findTaskInstance(runId, taskId, -1).orElseThrow();
    }

    private static void assertRejected(ThrowingCallable call, Status.Code code, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(message);
        });
    }

    @Test
    void aStaleAttemptIsToldToStopAndCannotReportAnything() throws Exception {
        String runId = trigger("flaky_for_tests");
        Assignment first = nextAssignment();
        assertThat(first.getRunId()).isEqualTo(runId);
        assertThat(first.getAttempt()).isEqualTo(1);
        String firstToken = first.getTaskToken();
        tei.startTask(StartTaskRequest.newBuilder().setTaskToken(firstToken).build());
        tei.failTask(FailTaskRequest.newBuilder().setTaskToken(firstToken).setError("boom").build());

        Assignment second = nextAssignment();
        assertThat(second.getAttempt()).isEqualTo(2);
        tei.startTask(StartTaskRequest.newBuilder().setTaskToken(second.getTaskToken()).build());

        String stale = "no longer current";
        assertRejected(() -> tei.completeTask(CompleteTaskRequest.newBuilder().setTaskToken(firstToken)
                .setOutputJson("\"late\"").build()), Status.Code.FAILED_PRECONDITION, stale);
        // A repeat of the failure already recorded for attempt 1 (its answer lost) is answered OK, and changes nothing.
        tei.failTask(FailTaskRequest.newBuilder().setTaskToken(firstToken).setError("late").build());
        assertThat(taskInstance(runId, "work").attempt()).isEqualTo(2);
        assertThat(taskInstance(runId, "work").state()).isEqualTo(TaskInstanceState.RUNNING);
        assertRejected(() -> tei.putXCom(PutXComRequest.newBuilder().setTaskToken(firstToken).setKey("rows")
                .setValueJson("1").build()), Status.Code.FAILED_PRECONDITION, stale);
        assertRejected(() -> tei.appendLogs(AppendLogsRequest.newBuilder().setTaskToken(firstToken)
                .addLines(LogLine.newBuilder().setLine("late").build()).build()), Status.Code.FAILED_PRECONDITION, stale);
        assertRejected(() -> tei.emitAssetEvent(EmitAssetEventRequest.newBuilder().setTaskToken(firstToken)
                .setAssetName("model://x").build()), Status.Code.FAILED_PRECONDITION, stale);
        assertRejected(() -> tei.getAssetVersion(GetAssetVersionRequest.newBuilder().setTaskToken(firstToken)
                .setAssetName("model://x").build()), Status.Code.FAILED_PRECONDITION, stale);
        var heartbeat = tei.heartbeat(HeartbeatRequest.newBuilder().setTaskToken(firstToken).build());
        assertThat(heartbeat.getShouldStop()).isTrue();
        assertThat(heartbeat.getTaskToken()).isEmpty();

        TaskInstanceView work = taskInstance(runId, "work");
        assertThat(work.state()).isEqualTo(TaskInstanceState.RUNNING);
        assertThat(work.attempt()).isEqualTo(2);
        assertThat(tei.getXCom(GetXComRequest.newBuilder().setTaskToken(second.getTaskToken()).setTaskId("work")
                .setMapIndex(-1).setKey("rows").build()).getFound()).isFalse();

        tei.completeTask(CompleteTaskRequest.newBuilder().setTaskToken(second.getTaskToken())
                .setOutputJson("\"on time\"").build());
        assertThat(taskInstance(runId, "work").state()).isEqualTo(TaskInstanceState.SUCCESS);
    }

    @Test
    void tokensForAnotherTaskInstanceExpiredOrForgedAreRefused() throws Exception {
        String runId = trigger("hello");
        Assignment greet = nextAssignment();
        assertThat(greet.getTaskId()).isEqualTo("greet");
        tei.startTask(StartTaskRequest.newBuilder().setTaskToken(greet.getTaskToken()).build());
        TaskInstanceView shout = taskInstance(runId, "shout");

        TaskTokens sameKey = gale.context.getBean(TaskTokens.class);
        String forShout = sameKey.issue(new TaskAttempt(shout.id(), 1));
        assertRejected(() -> tei.completeTask(CompleteTaskRequest.newBuilder().setTaskToken(forShout)
                .setOutputJson("\"sneaky\"").build()), Status.Code.FAILED_PRECONDITION, "no longer current");
        assertRejected(() -> tei.startTask(StartTaskRequest.newBuilder().setTaskToken(forShout).build()),
                Status.Code.FAILED_PRECONDITION, "no longer current");

        TaskAttempt greetAttempt = new TaskAttempt(taskInstance(runId, "greet").id(), 1);
        String expired = new TaskTokens(SECRET, Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)),
                Duration.ofMinutes(15)).issue(greetAttempt);
        assertRejected(() -> tei.completeTask(CompleteTaskRequest.newBuilder().setTaskToken(expired)
                .setOutputJson("\"late\"").build()), Status.Code.PERMISSION_DENIED, "expired");

        String forged = new TaskTokens("another-secret", Clock.systemUTC(), Duration.ofMinutes(15)).issue(greetAttempt);
        assertRejected(() -> tei.completeTask(CompleteTaskRequest.newBuilder().setTaskToken(forged)
                .setOutputJson("\"forged\"").build()), Status.Code.PERMISSION_DENIED, "signature");
        assertRejected(() -> tei.emitAssetEvent(EmitAssetEventRequest.newBuilder().setTaskToken(forged)
                .setAssetName("model://x").build()), Status.Code.PERMISSION_DENIED, "signature");
        assertRejected(() -> tei.heartbeat(HeartbeatRequest.newBuilder().setTaskToken("not-a-token").build()),
                Status.Code.PERMISSION_DENIED, "malformed");

        assertThat(taskInstance(runId, "greet").state()).isEqualTo(TaskInstanceState.RUNNING);
        assertThat(taskInstance(runId, "shout").state()).isEqualTo(shout.state());

        String token = greet.getTaskToken();
        assertRejected(() -> tei.putXCom(PutXComRequest.newBuilder().setTaskToken(token).setKey("return_value")
                .setValueJson("1").build()), Status.Code.INVALID_ARGUMENT, "CompleteTask");
        assertRejected(() -> tei.putXCom(PutXComRequest.newBuilder().setTaskToken(token).setKey("rows")
                .setValueJson("{oops").build()), Status.Code.INVALID_ARGUMENT, "not valid JSON");
        assertRejected(() -> tei.emitAssetEvent(EmitAssetEventRequest.newBuilder().setTaskToken(token)
                .setAssetName("model://x").build()), Status.Code.INVALID_ARGUMENT,
                "task 'greet' of DAG 'hello' did not declare asset 'model://x' as an output");
        tei.putXCom(PutXComRequest.newBuilder().setTaskToken(token).setKey("rows").setValueJson("{\"n\": 3}").build());
        assertThat(tei.getXCom(GetXComRequest.newBuilder().setTaskToken(token).setTaskId("greet").setMapIndex(-1)
                .setKey("rows").build()).getValueJson()).isEqualTo("{\"n\": 3}");

        tei.completeTask(CompleteTaskRequest.newBuilder().setTaskToken(token).setOutputJson("\"Hello\"").build());
        // A repeated completion answers OK and keeps the first output; a failure after it is refused.
        tei.completeTask(CompleteTaskRequest.newBuilder().setTaskToken(token).setOutputJson("\"twice\"").build());
        assertRejected(() -> tei.failTask(FailTaskRequest.newBuilder().setTaskToken(token).setError("late").build()),
                Status.Code.FAILED_PRECONDITION, "no longer current");
        // drain the rest of the run so the next test starts from an empty queue
        for (String next : new String[] {"shout", "sign"}) {
            Assignment a = nextAssignment();
            assertThat(a.getTaskId()).isEqualTo(next);
            assertThat(tei.getXCom(GetXComRequest.newBuilder().setTaskToken(a.getTaskToken()).setTaskId("greet")
                    .setMapIndex(-1).build()).getValueJson()).isEqualTo("\"Hello\"");
            tei.completeTask(CompleteTaskRequest.newBuilder().setTaskToken(a.getTaskToken()).setOutputJson("\"x\"")
                    .build());
        }
    }
}

package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.tei.v1.Assignment;
import dev.gale.tei.v1.CompleteTaskRequest;
import dev.gale.tei.v1.DeferTaskRequest;
import dev.gale.tei.v1.FiredTrigger;
import dev.gale.tei.v1.HeartbeatRequest;
import dev.gale.tei.v1.StartTaskRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * DeferTask as a worker in another language would call it, over a real gRPC socket: a bad trigger is
 * INVALID_ARGUMENT and changes nothing, a deferral is accepted (and so is its repeat), the deferred attempt
 * reports nothing more, and the resumed attempt arrives as the same attempt carrying the fired event.
 */
class DeferTaskRpcIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static void assertRejected(Runnable call, Status.Code code, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(message);
        });
    }

    @Test
    void aDeferralIsCheckedAcceptedOnceAndResumedAsTheSameAttemptWithItsEvent() throws Exception {
        try (GaleTestServer gale = new GaleTestServer(Map.of("gale.scheduler.interval", "PT0.2S"), false);
             HandWrittenWorker worker = new HandWrittenWorker(gale.grpcPort(), "hand-written-deferrer")) {
            String runId = JSON.readTree(gale.post("/api/v1/dags/defer_on_conf_for_tests/runs",
                    "{\"conf\":{\"kind\":\"external_event\"}}").body()).get("runId").asString();
            Assignment first = worker.nextAssignment();
            assertThat(first.getTriggerEventsList()).isEmpty();
            worker.tei.startTask(StartTaskRequest.newBuilder().setTaskToken(first.getTaskToken()).build());
            DeferTaskRequest.Builder defer = DeferTaskRequest.newBuilder().setTaskToken(first.getTaskToken());

            assertRejected(() -> worker.tei.deferTask(defer.build()), Status.Code.INVALID_ARGUMENT,
                    "needs a trigger kind");
            assertRejected(() -> worker.tei.deferTask(defer.setTrigger("time").setTriggerArgsJson("{\"after\":\"soon\"}")
                    .build()), Status.Code.INVALID_ARGUMENT, "\"after\" of a 'time' trigger must be an ISO-8601 duration");
            assertRejected(() -> worker.tei.deferTask(defer.setTrigger("external_event")
                    .setTriggerArgsJson("{\"key\":\"rpc-test\"}").setTimeoutMs(-1).build()), Status.Code.INVALID_ARGUMENT,
                    "timeout must be 0 (none) or positive");
            assertThat(JSON.readTree(gale.get("/api/v1/dags/defer_on_conf_for_tests/runs/" + runId + "/tasks/wait")
                    .body()).get("state").asString()).as("refusals change nothing").isEqualTo("running");

            DeferTaskRequest ok = defer.setTimeoutMs(0).build();
            worker.tei.deferTask(ok);
            worker.tei.deferTask(ok);
            assertThat(worker.tei.heartbeat(HeartbeatRequest.newBuilder().setTaskToken(first.getTaskToken()).build())
                    .getShouldStop()).as("a deferred attempt has nothing to heartbeat").isTrue();
            assertRejected(() -> worker.tei.completeTask(CompleteTaskRequest.newBuilder()
                    .setTaskToken(first.getTaskToken()).setOutputJson("{}").build()), Status.Code.FAILED_PRECONDITION,
                    "no longer current");

            assertThat(JSON.readTree(gale.post("/api/v1/events/rpc-test", "{\"n\":1}").body()).get("woken").asInt())
                    .isEqualTo(1);
            Assignment resumed = worker.nextAssignment();
            assertThat(resumed.getAttempt()).isEqualTo(first.getAttempt());
            assertThat(resumed.getTriggerEventsList()).containsExactly(FiredTrigger.newBuilder()
                    .setKind("external_event").setEventJson("{\"n\": 1}").build());
        }
    }
}

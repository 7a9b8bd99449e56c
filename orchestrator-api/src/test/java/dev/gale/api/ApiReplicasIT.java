package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.SchedulerStore;
import dev.gale.scheduler.service.TaskInstanceView;
import dev.gale.tei.v1.Assignment;
import dev.gale.tei.v1.CompleteTaskRequest;
import dev.gale.tei.v1.FailTaskRequest;
import dev.gale.tei.v1.PullRequest;
import dev.gale.tei.v1.RegisterRequest;
import dev.gale.tei.v1.StartTaskRequest;
import dev.gale.tei.v1.TaskExecutionGrpc;
import dev.gale.tei.v1.WorkerCapabilities;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two API replicas on one database, as behind a load balancer, with no task-token secret configured:
 * any replica serves any worker call, and what a worker can do is bounded by what it registered.
 */
class ApiReplicasIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    // The heartbeat timeout is long, so that only the behaviour under test can release an attempt.
    private static final Map<String, String> PROPERTIES = Map.of("gale.heartbeat.timeout", "PT5M",
            "gale.scheduler.interval", "PT0.2S");
    private static GaleTestServer a;
    private static GaleTestServer b;
    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeAll
    static void start() {
        a = new GaleTestServer(PROPERTIES, false);
        b = GaleTestServer.replicaOf(a, PROPERTIES, false);
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    private TaskExecutionGrpc.TaskExecutionBlockingStub tei(GaleTestServer replica) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", replica.grpcPort()).usePlaintext().build();
        channels.add(channel);
        return TaskExecutionGrpc.newBlockingStub(channel);
    }

    /** A hand-written worker's assignment stream on {@code replica}; credits go through the returned observer. */
    private StreamObserver<PullRequest> pull(GaleTestServer replica, String workerId, int credits,
                                             BlockingQueue<Assignment> received) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", replica.grpcPort()).usePlaintext().build();
        channels.add(channel);
        StreamObserver<PullRequest> stream = TaskExecutionGrpc.newStub(channel).pullAssignments(new StreamObserver<>() {
            @Override
            public void onNext(Assignment assignment) {
                received.add(assignment);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        stream.onNext(PullRequest.newBuilder().setWorkerId(workerId).setFreeSlots(credits).build());
        return stream;
    }

    private static RegisterRequest registration(String workerId, String incarnation, int slots) {
        return RegisterRequest.newBuilder().setWorkerId(workerId).setIncarnation(incarnation).addQueues("default")
                .setCapabilities(WorkerCapabilities.newBuilder().setSlots(slots)).build();
    }

    private static String trigger(String dagId) throws Exception {
        return JSON.readTree(a.post("/api/v1/dags/" + dagId + "/runs", "{}").body()).get("runId").asString();
    }

    private static TaskInstanceView taskInstance(String runId, String taskId) {
        return a.context.getBean(SchedulerStore.class).findTaskInstance(runId, taskId, -1).orElseThrow();
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Status.Code code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
    }

    @org.junit.jupiter.api.AfterEach
    void closeChannels() {
        channels.forEach(ManagedChannel::shutdownNow);
    }

    @Test
    void aWorkerRegisteredOnOneReplicaPullsAndReportsThroughTheOtherAndARepeatedOutcomeAnswersOk() throws Exception {
        tei(a).register(registration("roaming", "first", 1));
        BlockingQueue<Assignment> received = new LinkedBlockingQueue<>();
        pull(b, "roaming", 1, received);
        String runId = trigger("slow_for_tests");
        Assignment assignment = received.poll(20, TimeUnit.SECONDS);
        assertThat(assignment).as("an assignment through replica b").isNotNull();
        assertThat(assignment.getRunId()).isEqualTo(runId);

        // The token replica b signed with the key kept in the database is good on replica a.
        tei(a).startTask(StartTaskRequest.newBuilder().setTaskToken(assignment.getTaskToken()).build());
        CompleteTaskRequest complete = CompleteTaskRequest.newBuilder().setTaskToken(assignment.getTaskToken())
                .setOutputJson("\"rested\"").build();
        tei(a).completeTask(complete);
        // The answer was lost, say: the worker repeats the call, on either replica, and hears OK again.
        tei(b).completeTask(complete);
        tei(a).completeTask(complete);
        assertThat(taskInstance(runId, "nap").state()).isEqualTo(TaskInstanceState.SUCCESS);
        assertThat(taskInstance(runId, "nap").attempt()).isEqualTo(1);
        // An outcome that contradicts the recorded one is refused and changes nothing.
        assertRefused(() -> tei(b).failTask(FailTaskRequest.newBuilder().setTaskToken(assignment.getTaskToken())
                .setError("too late").build()), Status.Code.FAILED_PRECONDITION);
        assertThat(taskInstance(runId, "nap").state()).isEqualTo(TaskInstanceState.SUCCESS);
        assertThat(JSON.readTree(b.get("/api/v1/dags/slow_for_tests/runs/" + runId).body()).get("state").asString())
                .isEqualTo("success");
    }

    @Test
    void aWorkerNeverHoldsMoreAssignmentsThanItsRegisteredSlots() throws Exception {
        tei(a).register(registration("greedy", "only", 1));
        BlockingQueue<Assignment> received = new LinkedBlockingQueue<>();
        StreamObserver<PullRequest> credits = pull(a, "greedy", 50, received);
        credits.onNext(PullRequest.newBuilder().setWorkerId("greedy").setFreeSlots(50).build());
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            runs.add(trigger("slow_for_tests"));
        }
        assertThat(received.poll(20, TimeUnit.SECONDS)).isNotNull();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> received.isEmpty());
        assertThat(runs.stream().filter(r -> taskInstance(r, "nap").state() == TaskInstanceState.RUNNING).count())
                .as("task instances running on the 1-slot worker").isEqualTo(1);
        credits.onCompleted();
    }

    @Test
    void aWorkerRestartedUnderTheSameIdReleasesItsPreviousIncarnationsAttemptsAtOnce() throws Exception {
        tei(a).register(registration("phoenix", "before-the-crash", 1));
        BlockingQueue<Assignment> received = new LinkedBlockingQueue<>();
        pull(a, "phoenix", 1, received);
        String runId = trigger("flaky_for_tests");
        Assignment first = received.poll(20, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        tei(a).startTask(StartTaskRequest.newBuilder().setTaskToken(first.getTaskToken()).build());

        // A reconnect of the same process (same incarnation) keeps its attempt.
        tei(b).register(registration("phoenix", "before-the-crash", 1));
        assertThat(taskInstance(runId, "work").state()).isEqualTo(TaskInstanceState.RUNNING);

        // The process died and a new one took its id: the old attempt is released now, not in five minutes.
        tei(b).register(registration("phoenix", "after-the-restart", 1));
        TaskInstanceView released = taskInstance(runId, "work");
        assertThat(released.state()).isIn(TaskInstanceState.UP_FOR_RETRY, TaskInstanceState.QUEUED);
        assertThat(released.error()).contains("worker phoenix restarted");
        // Fenced: the dead incarnation's outcome, arriving late, is refused.
        assertRefused(() -> tei(a).completeTask(CompleteTaskRequest.newBuilder().setTaskToken(first.getTaskToken())
                .setOutputJson("\"late\"").build()), Status.Code.FAILED_PRECONDITION);
        // Retried as a retry would be: attempt 2 goes to the new incarnation.
        pull(b, "phoenix", 1, received);
        Assignment second = received.poll(20, TimeUnit.SECONDS);
        assertThat(second).isNotNull();
        assertThat(second.getAttempt()).isEqualTo(2);
        assertThat(second.getRunId()).isEqualTo(runId);
    }

    @Test
    void aWorkerLeavesTheWorkersListWithinSecondsOfItsStreamClosing() throws Exception {
        tei(a).register(registration("leaving", "only", 1));
        StreamObserver<PullRequest> stream = pull(b, "leaving", 1, new LinkedBlockingQueue<>());
        await().atMost(Duration.ofSeconds(10)).until(() -> a.get("/api/v1/workers").body().contains("\"leaving\""));
        // The stream breaks as it does when a worker process dies: cancelled, not closed politely.
        stream.onError(new IllegalStateException("the worker process died"));
        await().atMost(Duration.ofSeconds(5)).until(() -> !a.get("/api/v1/workers").body().contains("\"leaving\""));
    }
}

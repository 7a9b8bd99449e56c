package dev.gale.sdk.runtime;

import dev.gale.sdk.Dag;
import dev.gale.sdk.TaskFunction;
import dev.gale.tei.v1.AppendLogsRequest;
import dev.gale.tei.v1.Assignment;
import dev.gale.tei.v1.CompleteTaskRequest;
import dev.gale.tei.v1.FailTaskRequest;
import dev.gale.tei.v1.HeartbeatRequest;
import dev.gale.tei.v1.HeartbeatResponse;
import dev.gale.tei.v1.LogLine;
import dev.gale.tei.v1.PullRequest;
import dev.gale.tei.v1.RegisterRequest;
import dev.gale.tei.v1.StartTaskRequest;
import dev.gale.tei.v1.TaskExecutionGrpc;
import dev.gale.tei.v1.WorkerCapabilities;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker runtime: registers with the API server over the TEI, keeps one assignment stream open,
 * runs each assigned task instance, heartbeats while it runs, and reports the outcome. It reconnects
 * with backoff when the server is away, and delivers outcomes once it is back.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final WorkerOptions options;
    private final DagRegistry dags;
    private final JsonMapper json = JsonMapper.builder().build();
    private final ManagedChannel channel;
    private final TaskExecutionGrpc.TaskExecutionBlockingStub blocking;
    private final TaskExecutionGrpc.TaskExecutionStub async;
    private final ExecutorService taskThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gale-worker-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicReference<ClientCallStreamObserver<PullRequest>> stream = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean accepting = true;
    private volatile long heartbeatIntervalMs = 5_000;
    private Thread connectionThread;

    public Worker(WorkerOptions options, DagRegistry dags) {
        this.options = options;
        this.dags = dags;
        this.channel = NettyChannelBuilder.forTarget(options.apiTarget()).usePlaintext().build();
        Metadata headers = new Metadata();
        if (!options.workerSecret().isEmpty()) {
            headers.put(AUTHORIZATION, "Bearer " + options.workerSecret());
        }
        var auth = MetadataUtils.newAttachHeadersInterceptor(headers);
        this.blocking = TaskExecutionGrpc.newBlockingStub(channel).withInterceptors(auth);
        this.async = TaskExecutionGrpc.newStub(channel).withInterceptors(auth);
    }

    /** Starts connecting in the background; returns at once. */
    public synchronized Worker start() {
        if (connectionThread == null) {
            connectionThread = Thread.ofPlatform().name("gale-worker-" + options.workerId()).daemon(true)
                    .start(this::connectLoop);
        }
        return this;
    }

    public String workerId() {
        return options.workerId();
    }

    /** Task instances running now. */
    public int runningTasks() {
        return running.get();
    }

    private void connectLoop() {
        long backoffMs = 100;
        while (accepting) {
            try {
                var registered = blocking.withDeadlineAfter(CALL_DEADLINE).register(registerRequest());
                heartbeatIntervalMs = Math.max(100, registered.getHeartbeatIntervalMs());
                log.info("Worker {} connected to {} (queues {}, {} slots)", options.workerId(), options.apiTarget(),
                        options.queues(), options.slots());
                backoffMs = 100;
                openStream().await();
            } catch (StatusRuntimeException e) {
                log.warn("Worker {} cannot reach the API server at {}: {}; retrying in {} ms", options.workerId(),
                        options.apiTarget(), e.getStatus(), backoffMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!accepting) {
                return;
            }
            sleep(backoffMs);
            backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
        }
    }

    private RegisterRequest registerRequest() {
        return RegisterRequest.newBuilder()
                .setWorkerId(options.workerId())
                .setHostname(options.hostname())
                .addAllQueues(options.queues())
                .setSoftwareVersion(Worker.class.getPackage().getImplementationVersion() == null ? "dev"
                        : Worker.class.getPackage().getImplementationVersion())
                .setCapabilities(WorkerCapabilities.newBuilder()
                        .setSlots(options.slots())
                        .setMemoryMb(options.memoryMb())
                        .setGpuCount(options.gpuCount())
                        .setGpuModel(options.gpuModel())
                        .setGpuMemoryMb(options.gpuMemoryMb())
                        .putAllLabels(options.labels()))
                .build();
    }

    private CountDownLatch openStream() {
        CountDownLatch ended = new CountDownLatch(1);
        async.pullAssignments(new ClientResponseObserver<PullRequest, Assignment>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<PullRequest> requestStream) {
                stream.set(requestStream);
            }

            @Override
            public void onNext(Assignment assignment) {
                running.incrementAndGet();
                taskThreads.execute(() -> runAssignment(assignment));
            }

            @Override
            public void onError(Throwable t) {
                if (accepting) {
                    log.warn("Worker {} lost its assignment stream: {}", options.workerId(), Status.fromThrowable(t));
                }
                stream.set(null);
                ended.countDown();
            }

            @Override
            public void onCompleted() {
                stream.set(null);
                ended.countDown();
            }
        });
        sendCredits(options.slots() - running.get());
        return ended;
    }

    private void sendCredits(int credits) {
        ClientCallStreamObserver<PullRequest> current = stream.get();
        if (current == null || credits <= 0 || !accepting) {
            return;
        }
        synchronized (current) {
            current.onNext(PullRequest.newBuilder().setWorkerId(options.workerId()).setFreeSlots(credits).build());
        }
    }

    private void runAssignment(Assignment assignment) {
        // Heartbeats return fresh tokens, so a task may outlive the token it was assigned with.
        AtomicReference<String> token = new AtomicReference<>(assignment.getTaskToken());
        RuntimeTaskContext context = new RuntimeTaskContext(assignment, json);
        ScheduledFuture<?> heartbeat = null;
        try {
            deliver("start", () -> blocking.withDeadlineAfter(CALL_DEADLINE)
                    .startTask(StartTaskRequest.newBuilder().setTaskToken(token.get()).build()));
            heartbeat = heartbeats.scheduleAtFixedRate(() -> heartbeat(token, context), heartbeatIntervalMs,
                    heartbeatIntervalMs, TimeUnit.MILLISECONDS);
            Dag dag = dags.dag(assignment.getDagId()).orElse(null);
            if (dag == null || !dag.versionHash().equals(assignment.getDagVersionHash())) {
                String problem = dag == null
                        ? "worker " + options.workerId() + " has no DAG '" + assignment.getDagId() + "' loaded"
                        : "worker " + options.workerId() + " has DAG '" + assignment.getDagId() + "' at version "
                        + dag.versionHash().substring(0, 12) + ", but the run is pinned to version "
                        + assignment.getDagVersionHash().substring(0, Math.min(12, assignment.getDagVersionHash().length()))
                        + "; deploy that version of the DAG bundle to this worker";
                fail(token, context, problem, true);
                return;
            }
            TaskFunction function = dag.taskFunction(assignment.getTaskId()).orElse(null);
            if (function == null) {
                fail(token, context, "DAG '" + assignment.getDagId() + "' has no task '" + assignment.getTaskId() + "'",
                        true);
                return;
            }
            Object output;
            try {
                output = function.run(context);
            } catch (Exception | LinkageError | AssertionError e) {
                context.log("Task failed: " + e);
                fail(token, context, e.getClass().getName() + ": " + e.getMessage(), false);
                return;
            }
            String outputJson = json.writeValueAsString(output);
            shipLogs(token, context);
            deliver("complete", () -> blocking.withDeadlineAfter(CALL_DEADLINE).completeTask(
                    CompleteTaskRequest.newBuilder().setTaskToken(token.get()).setOutputJson(outputJson).build()));
        } catch (RuntimeException e) {
            log.error("Worker {} could not finish task {}.{} of run {}", options.workerId(), assignment.getDagId(),
                    assignment.getTaskId(), assignment.getRunId(), e);
        } finally {
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
            running.decrementAndGet();
            sendCredits(1);
        }
    }

    private void fail(AtomicReference<String> token, RuntimeTaskContext context, String error, boolean noRetry) {
        shipLogs(token, context);
        deliver("fail", () -> blocking.withDeadlineAfter(CALL_DEADLINE).failTask(
                FailTaskRequest.newBuilder().setTaskToken(token.get()).setError(error).setNoRetry(noRetry).build()));
    }

    private void heartbeat(AtomicReference<String> token, RuntimeTaskContext context) {
        try {
            shipLogs(token, context);
            HeartbeatResponse response = blocking.withDeadlineAfter(CALL_DEADLINE)
                    .heartbeat(HeartbeatRequest.newBuilder().setTaskToken(token.get()).build());
            if (!response.getTaskToken().isEmpty()) {
                token.set(response.getTaskToken());
            }
            if (response.getShouldStop()) {
                log.info("Server asked to stop task {} of run {}", context.taskId(), context.runId());
            }
        } catch (StatusRuntimeException e) {
            log.debug("Heartbeat for {} not delivered: {}", context.taskId(), e.getStatus());
        }
    }

    private void shipLogs(AtomicReference<String> token, RuntimeTaskContext context) {
        List<LogLine> lines = context.drainLogs();
        if (!lines.isEmpty()) {
            deliver("logs", () -> blocking.withDeadlineAfter(CALL_DEADLINE)
                    .appendLogs(AppendLogsRequest.newBuilder().setTaskToken(token.get()).addAllLines(lines).build()));
        }
    }

    /**
     * Makes a task-scoped call, retrying with backoff while the server cannot be reached, so that
     * an outcome produced while disconnected is delivered once the server is back. A rejection
     * (stale attempt, bad token) is final and logged.
     */
    private <T> void deliver(String what, Supplier<T> call) {
        long backoffMs = 100;
        while (true) {
            try {
                call.get();
                return;
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                boolean transientFailure = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                        || code == Status.Code.RESOURCE_EXHAUSTED;
                if (!transientFailure || stopped.getCount() == 0) {
                    log.warn("Worker {}: '{}' call rejected: {}", options.workerId(), what, e.getStatus());
                    return;
                }
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops taking work, waits up to the drain grace period for running tasks to finish, then
     * closes the connection.
     */
    @Override
    public void close() {
        accepting = false;
        ClientCallStreamObserver<PullRequest> current = stream.getAndSet(null);
        if (current != null) {
            synchronized (current) {
                current.onCompleted();
            }
        }
        taskThreads.shutdown();
        try {
            if (!taskThreads.awaitTermination(options.drainGracePeriod().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Worker {} stopped with {} task(s) still running; the server will retry them",
                        options.workerId(), running.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped.countDown();
        heartbeats.shutdownNow();
        channel.shutdownNow();
        if (connectionThread != null) {
            connectionThread.interrupt();
        }
    }
}

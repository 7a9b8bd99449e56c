package dev.gale.sdk.runtime;

import dev.gale.sdk.runtime.tracing.TaskSpans;
import dev.gale.sdk.runtime.tracing.TraceContextClientInterceptor;
import dev.gale.tei.v1.Assignment;
import dev.gale.tei.v1.PullRequest;
import dev.gale.tei.v1.RegisterRequest;
import dev.gale.tei.v1.TaskExecutionGrpc;
import dev.gale.tei.v1.WorkerCapabilities;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker runtime: registers with the API server over the TEI, keeps one assignment stream open,
 * and runs each assigned task instance as a {@link TaskRun}. It reconnects with backoff when the
 * server is away, and delivers outcomes once it is back. When its DAGs declare run callbacks it also
 * runs those due on its queues ({@link RunCallbackLoop}). {@link #close()} drains: no new work,
 * running tasks get the grace period to finish, the rest are handed back for another worker.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration REGISTER_DEADLINE = Duration.ofSeconds(10);
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final WorkerOptions options;
    /** Made once per process, so that the server tells a restart (release its attempts) from a reconnect. */
    private final String incarnation = UUID.randomUUID().toString();
    private final DagRegistry dags;
    private final JsonMapper json = JsonMapper.builder().build();
    private final ManagedChannel channel;
    private final TaskSpans spans;
    private final TaskExecutionGrpc.TaskExecutionBlockingStub blocking;
    private final TaskExecutionGrpc.TaskExecutionStub async;
    private final TeiClient client;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gale-worker-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final Set<TaskRun> runs = ConcurrentHashMap.newKeySet();
    private final Object runEnded = new Object();
    private final AtomicReference<ClientCallStreamObserver<PullRequest>> stream = new AtomicReference<>();
    private volatile boolean accepting = true;
    private volatile Duration heartbeatInterval = Duration.ofSeconds(5);
    private Thread connectionThread;
    private java.util.Optional<RunCallbackLoop> runCallbacks = java.util.Optional.empty();
    /** Completed with what to fix when the worker gives up connecting for good. */
    private final CompletableFuture<String> stopped = new CompletableFuture<>();

    /**
     * The largest TEI message either side accepts. gRPC's 4 MiB default is too small for a reduce task whose
     * assignment carries all its mapped upstreams' outputs (a RAG store task receives every new chunk's vector).
     */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
    /** The kinds this runtime runs without a {@link TaskKindRunner}. */
    static final List<String> OWN_TASK_KINDS = List.of("java", "command", "python");

    public Worker(WorkerOptions options, DagRegistry dags) {
        this.options = options;
        this.dags = dags;
        this.channel = TeiChannels.open(options);
        Metadata headers = new Metadata();
        if (!options.workerSecret().isEmpty()) {
            headers.put(AUTHORIZATION, "Bearer " + options.workerSecret());
        }
        var auth = MetadataUtils.newAttachHeadersInterceptor(headers);
        var trace = new TraceContextClientInterceptor();
        this.blocking = TaskExecutionGrpc.newBlockingStub(channel).withInterceptors(auth, trace);
        this.async = TaskExecutionGrpc.newStub(channel).withInterceptors(auth, trace);
        this.spans = new TaskSpans(options.openTelemetry());
        this.client = new TeiClient(blocking);
    }

    /** Starts connecting in the background; returns at once. */
    public synchronized Worker start() {
        if (connectionThread == null) {
            connectionThread = Thread.ofPlatform().name("gale-worker-" + options.workerId()).daemon(true)
                    .start(this::connectLoop);
            runCallbacks = RunCallbackLoop.startFor(options.workerId(), dags, blocking, client, json);
        }
        return this;
    }

    public String workerId() {
        return options.workerId();
    }

    /** Completes, with what to fix, if the worker stops connecting because retrying cannot help (TLS mistakes). */
    public CompletableFuture<String> givenUp() {
        return stopped;
    }

    /** Task instances running now. */
    public int runningTasks() {
        return runs.size();
    }

    private void connectLoop() {
        long backoffMs = 100;
        while (accepting) {
            try {
                var registered = blocking.withDeadlineAfter(REGISTER_DEADLINE).register(registerRequest());
                heartbeatInterval = Duration.ofMillis(Math.max(100, registered.getHeartbeatIntervalMs()));
                log.info("Worker {} connected to {} (queues {}, {} slots)", options.workerId(), options.apiTarget(),
                        options.queues(), options.slots());
                backoffMs = 100;
                openStream().await();
            } catch (StatusRuntimeException e) {
                var mistake = TeiChannels.tlsMistake(e, options);
                if (mistake.isPresent()) {
                    log.error("Worker {} stops: {}", options.workerId(), mistake.get());
                    accepting = false;
                    stopped.complete(mistake.get());
                    return;
                }
                log.warn("Worker {} cannot reach the API server at {}: {}{}; retrying in {} ms", options.workerId(),
                        options.apiTarget(), e.getStatus(), TeiChannels.hint(e, options), backoffMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!accepting) {
                return;
            }
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException e) {
                return;
            }
            backoffMs = Math.min(backoffMs * 2, TeiClient.MAX_BACKOFF.toMillis());
        }
    }

    private RegisterRequest registerRequest() {
        String version = Worker.class.getPackage().getImplementationVersion();
        return RegisterRequest.newBuilder()
                .setWorkerId(options.workerId())
                .setHostname(options.hostname())
                .addAllQueues(options.queues())
                .setSoftwareVersion(version == null ? "dev" : version)
                .setIncarnation(incarnation)
                .setCapabilities(WorkerCapabilities.newBuilder()
                        .setSlots(options.slots())
                        .setMemoryMb(options.memoryMb())
                        .setGpuCount(options.gpuCount())
                        .setGpuModel(options.gpuModel())
                        .setGpuMemoryMb(options.gpuMemoryMb())
                        .setTakesCpuTasks(options.takesCpuTasks())
                        .putAllLabels(options.labels()))
                .addAllTaskKinds(taskKinds())
                .build();
    }

    /** Empty (the server reads the Java worker's own kinds) unless runners add kinds to them. */
    private List<String> taskKinds() {
        if (options.taskRunners().isEmpty()) {
            return List.of();
        }
        List<String> kinds = new ArrayList<>(OWN_TASK_KINDS);
        options.taskRunners().forEach(runner -> kinds.add(runner.kind()));
        return kinds;
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
                accept(assignment);
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
        sendCredits(options.slots() - runs.size());
        return ended;
    }

    private void accept(Assignment assignment) {
        WorkerEvents.AssignmentReceived.of(assignment);
        TaskRun run = new TaskRun(assignment, options.workerId(), dags, client, json, options.gpuAllocator(),
                options.taskRunners(), spans);
        if (!accepting) {
            // Sent before the server saw the stream close: give it straight back to another worker.
            Thread.ofVirtual().start(() -> run.handBack("worker " + options.workerId() + " is shutting down"));
            return;
        }
        runs.add(run);
        // A platform thread per running task (as many as the worker's slots), not a virtual one: task code loads
        // classes and calls native libraries, which pin a virtual thread to its carrier. On 2 cores two tasks
        // pinned while loading classes from the same nested jar deadlocked standalone: the thread holding the
        // jar's lock had been unmounted and found no free carrier to finish on.
        Thread.ofPlatform().daemon(true).name("gale-task-" + assignment.getTaskId()).start(() -> {
            try {
                run.run(heartbeats, heartbeatInterval);
            } catch (RuntimeException e) {
                log.error("Worker {} could not finish {}", options.workerId(), run.describe(), e);
            } finally {
                runs.remove(run);
                synchronized (runEnded) {
                    runEnded.notifyAll();
                }
                sendCredits(1);
            }
        });
    }

    private void sendCredits(int credits) {
        ClientCallStreamObserver<PullRequest> current = stream.get();
        if (current == null || credits <= 0 || !accepting) {
            return;
        }
        synchronized (current) {
            current.onNext(PullRequest.newBuilder().setWorkerId(options.workerId()).setFreeSlots(credits).build());
        }
        WorkerEvents.CreditsSent.of(credits);
    }

    /**
     * Drains the worker: stops taking work, waits up to the drain grace period for running tasks to
     * finish, hands the rest back to the server (which queues them again for another worker), then
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
        long deadline = System.nanoTime() + options.drainGracePeriod().toNanos();
        synchronized (runEnded) {
            while (!runs.isEmpty() && System.nanoTime() < deadline) {
                try {
                    runEnded.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        List<TaskRun> unfinished = List.copyOf(runs);
        if (!unfinished.isEmpty()) {
            log.warn("Worker {} stops with {} task(s) still running after the {} s grace period; handing them back",
                    options.workerId(), unfinished.size(), options.drainGracePeriod().toSeconds());
            String reason = "worker " + options.workerId() + " shut down and the task did not finish within its "
                    + options.drainGracePeriod().toSeconds() + " s drain grace period";
            unfinished.parallelStream().forEach(run -> run.abandon(reason));
        }
        runCallbacks.ifPresent(RunCallbackLoop::close);
        client.close();
        heartbeats.shutdownNow();
        channel.shutdownNow();
        if (connectionThread != null) {
            connectionThread.interrupt();
        }
    }
}

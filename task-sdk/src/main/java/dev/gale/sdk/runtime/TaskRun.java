package dev.gale.sdk.runtime;

import dev.gale.sdk.Dag;
import dev.gale.sdk.TaskFunction;
import dev.gale.sdk.runtime.tracing.TaskSpans;
import dev.gale.sdk.spec.IsolationSpec;
import dev.gale.sdk.spec.TaskSpec;
import dev.gale.tei.v1.Assignment;
import dev.gale.tei.v1.CompleteTaskRequest;
import dev.gale.tei.v1.DeferTaskRequest;
import dev.gale.tei.v1.FailTaskRequest;
import dev.gale.tei.v1.HeartbeatRequest;
import dev.gale.tei.v1.HeartbeatResponse;
import dev.gale.tei.v1.StartTaskRequest;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * One assignment on a worker, from StartTask to its one outcome: runs the task where its DSL says
 * (in-process, child JVM, or command), heartbeats and ships logs meanwhile, and reports the result.
 * The server may stop it (a heartbeat answers should_stop) and the worker may abandon it (drain ran
 * out of time); either way exactly one party reports, or none.
 */
final class TaskRun {
    private static final Logger log = LoggerFactory.getLogger(TaskRun.class);
    /** How long a worker that is going away keeps trying to hand an abandoned task back. */
    private static final Duration HAND_BACK_PATIENCE = Duration.ofSeconds(5);
    /**
     * How long a GPU task waits for its GPUs. The server counts a GPU free once the attempt holding it
     * has ended there, which can be a moment before that attempt's code has stopped here.
     */
    private static final Duration GPU_PATIENCE = Duration.ofSeconds(30);

    private enum State { RUNNING, REPORTING, STOPPED_BY_SERVER, ABANDONED }

    private record Outcome(String outputJson, String error, boolean noRetry, boolean deferred) {
        static Outcome success(String outputJson) {
            return new Outcome(outputJson, null, false, false);
        }

        static Outcome failure(String error, boolean noRetry) {
            return new Outcome(null, error, noRetry, false);
        }

        /** The task's code stopped at a defer call: the attempt goes on later, so no callback runs yet. */
        static Outcome deferral() {
            return new Outcome(null, null, false, true);
        }
    }

    private final Assignment assignment;
    private final String workerId;
    private final DagRegistry dags;
    private final TeiClient client;
    private final JsonMapper json;
    private final TaskSession session;
    private final GpuAllocator gpuAllocator;
    private final List<TaskKindRunner> taskRunners;
    private final TaskSpans spans;
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private volatile Thread thread;
    /** The run's DAG and task, once the worker knows it has the version the run is pinned to; else no callback runs. */
    private Dag dag;
    private TaskSpec spec;
    private TaskIdentity identity;

    TaskRun(Assignment assignment, String workerId, DagRegistry dags, TeiClient client, JsonMapper json,
            GpuAllocator gpuAllocator, List<TaskKindRunner> taskRunners, TaskSpans spans) {
        this.assignment = assignment;
        this.taskRunners = taskRunners;
        this.spans = spans;
        this.gpuAllocator = gpuAllocator;
        this.workerId = workerId;
        this.dags = dags;
        this.client = client;
        this.json = json;
        this.session = new TaskSession(assignment, client, spans);
    }

    String describe() {
        return assignment.getDagId() + "." + assignment.getTaskId() + " of run " + assignment.getRunId()
                + " (attempt " + assignment.getAttempt() + ")";
    }

    /** Runs the assignment on the calling thread, heartbeating on {@code heartbeats} every {@code interval}. */
    void run(ScheduledExecutorService heartbeats, Duration interval) {
        Span span = spans.startAttempt(assignment, workerId);
        String error = null;
        try (TaskLogContext context = TaskLogContext.of(assignment, workerId); Scope scope = span.makeCurrent()) {
            session.traceCallsUnder(span);
            error = runInContext(heartbeats, interval);
        } catch (RuntimeException e) {
            error = e.toString();
            throw e;
        } finally {
            TaskSpans.end(span, error);
        }
    }

    /** Runs the attempt; what failed it, or null when it succeeded or the server stopped it. */
    private String runInContext(ScheduledExecutorService heartbeats, Duration interval) {
        thread = Thread.currentThread();
        WorkerEvents.TaskPhase starting = WorkerEvents.TaskPhase.begin("start", assignment);
        try {
            client.deliver("start", stub -> stub.startTask(
                    StartTaskRequest.newBuilder().setTaskToken(session.token()).build()));
        } catch (TeiClient.CallFailedException e) {
            log.warn("Worker {} does not run {}: {}", workerId, describe(), e.getMessage());
            return "not started: " + e.getMessage();
        } finally {
            starting.done();
        }
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(this::heartbeat, interval.toMillis(),
                interval.toMillis(), TimeUnit.MILLISECONDS);
        try {
            WorkerEvents.TaskPhase executing = WorkerEvents.TaskPhase.begin("execute", assignment);
            Outcome outcome = executeOnGpus();
            executing.done();
            if (state.compareAndSet(State.RUNNING, State.REPORTING)) {
                // Task code may leave the interrupt flag set; it must not cut the report short.
                Thread.interrupted();
                if (outcome.deferred()) {
                    handOverToTrigger();
                } else {
                    conclude(outcome);
                }
            }
            return outcome.error();
        } finally {
            heartbeat.cancel(false);
        }
    }

    /** Runs the task on the GPUs it needs, given back before the outcome is reported (the server may then reuse them). */
    private Outcome executeOnGpus() {
        int count = assignment.getGpuCount();
        if (count == 0) {
            return execute(List.of());
        }
        if (gpuAllocator == null) {
            return Outcome.failure("worker " + workerId + " has no GPUs, but the task needs " + count
                    + "; it was routed here by a server that does not route by GPU", false);
        }
        long memoryMb = assignment.getGpuMemoryMb();
        List<Integer> devices;
        try {
            devices = gpuAllocator.acquire(count, memoryMb, GPU_PATIENCE).orElse(null);
        } catch (InterruptedException e) {
            return Outcome.failure("stopped", false);
        }
        if (devices == null) {
            return Outcome.failure("worker " + workerId + " had no " + count + " free GPU(s)"
                    + (memoryMb > 0 ? " of >= " + memoryMb + " MiB" : "") + " within " + GPU_PATIENCE.toSeconds()
                    + " s: an earlier task on them has not stopped", false);
        }
        session.log("task", "Running on GPU(s) " + devices);
        try {
            return execute(devices);
        } finally {
            gpuAllocator.release(devices);
        }
    }

    private Outcome execute(List<Integer> gpus) {
        Dag dag = dags.dag(assignment.getDagId()).orElse(null);
        if (dag == null || !dag.versionHash().equals(assignment.getDagVersionHash())) {
            return Outcome.failure(versionProblem(dag), true);
        }
        TaskSpec spec = dag.taskSpec(assignment.getTaskId()).orElse(null);
        if (spec == null) {
            return Outcome.failure("DAG '" + assignment.getDagId() + "' has no task '" + assignment.getTaskId() + "'",
                    true);
        }
        this.dag = dag;
        this.spec = spec;
        IsolationSpec isolation = spec.isolation();
        TaskIdentity identity = session.identity().onGpus(gpus, gpuAllocator != null);
        this.identity = identity;
        if (isolation == null) {
            return inProcess(dag.taskFunction(spec.taskId()).orElseThrow(), identity, spec);
        }
        if (isolation.kind().equals(IsolationSpec.PYTHON)) {
            return pythonTask(isolation, identity);
        }
        if (!isolation.kind().equals(IsolationSpec.COMMAND) && !isolation.kind().equals(IsolationSpec.CHILD_JVM)) {
            return byRunner(isolation.kind(), identity, spec);
        }
        List<String> command = isolation.kind().equals(IsolationSpec.COMMAND) ? isolation.command()
                : ChildJvmCommand.of(isolation.classpath(), dags.bundlePaths(), assignment.getDagId(),
                        assignment.getTaskId(), assignment.getDagVersionHash());
        return childProcess(command, identity);
    }

    private Outcome byRunner(String kind, TaskIdentity identity, TaskSpec spec) {
        TaskKindRunner runner = taskRunners.stream().filter(r -> r.kind().equals(kind)).findFirst().orElse(null);
        if (runner == null) {
            return Outcome.failure("worker " + workerId + " does not run " + kind + " tasks; it was routed here by a"
                    + " server that does not route by task kind", true);
        }
        try {
            return Outcome.success(runner.run(new RunnerAttempt(workerId, identity, spec, session)));
        } catch (TaskKindRunner.Failure e) {
            session.log("task", "Task failed: " + e.getMessage());
            return Outcome.failure(e.getMessage(), e.noRetry());
        } catch (InterruptedException e) {
            return Outcome.failure("stopped", false);
        } catch (RuntimeException e) {
            session.log("task", "Task failed: " + e);
            return Outcome.failure(kind + " task failed on worker " + workerId + ": " + e, false);
        }
    }

    private String versionProblem(Dag dag) {
        if (dag == null) {
            return "worker " + workerId + " has no DAG '" + assignment.getDagId() + "' loaded; deploy the DAG bundle"
                    + " to this worker (--dags)";
        }
        String pinned = assignment.getDagVersionHash();
        return "worker " + workerId + " has DAG '" + assignment.getDagId() + "' at version "
                + dag.versionHash().substring(0, 12) + ", but the run is pinned to version "
                + pinned.substring(0, Math.min(12, pinned.length())) + "; deploy that version of the DAG bundle to"
                + " this worker";
    }

    private Outcome inProcess(TaskFunction function, TaskIdentity identity, TaskSpec spec) {
        try {
            Object output = function.run(new RuntimeTaskContext(identity, session, json, spec));
            return Outcome.success(json.writeValueAsString(output));
        } catch (TaskDeferred deferred) {
            return Outcome.deferral();
        } catch (Exception | LinkageError | AssertionError e) {
            session.log("task", "Task failed: " + e);
            return Outcome.failure(e.getClass().getName() + ": " + e.getMessage(), false);
        }
    }

    /** A python task as a child process, with its module and requirements file from the DAG bundle. */
    private Outcome pythonTask(IsolationSpec isolation, TaskIdentity identity) {
        Path dir = null;
        try (URLClassLoader bundle = new URLClassLoader(dags.bundlePaths().stream().map(TaskRun::url)
                .toArray(URL[]::new), TaskRun.class.getClassLoader())) {
            dir = Files.createTempDirectory("gale-python-task-");
            return childProcess(PythonTaskCommand.of(isolation.python(), bundle, dir, System.getenv()), identity);
        } catch (IOException | UncheckedIOException e) {
            return Outcome.failure("worker " + workerId + " cannot prepare Python task '" + assignment.getTaskId()
                    + "': " + e.getMessage(), false);
        } finally {
            deleteTree(dir);
        }
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(path + " is not a valid bundle path", e);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A task directory left in the temp directory is harmless.
        }
    }

    private Outcome childProcess(List<String> command, TaskIdentity identity) {
        try {
            int exitCode = ChildProcess.run(command, identity, session, json);
            if (exitCode == 0 && session.deferral().isPresent()) {
                return Outcome.deferral();
            }
            return exitCode == 0 ? Outcome.success(session.outputJson())
                    : Outcome.failure("the task's process " + command.getFirst() + " exited with code " + exitCode
                    + "; its stderr is in the task log", false);
        } catch (IOException e) {
            session.log("task", "Cannot start " + command + ": " + e.getMessage());
            return Outcome.failure("worker " + workerId + " cannot start the task's process " + command.getFirst()
                    + ": " + e.getMessage(), false);
        } catch (InterruptedException e) {
            return Outcome.failure("stopped", false);
        }
    }

    /** Runs the task's callback for the outcome (bounded, and unable to change it), then reports the outcome. */
    private void conclude(Outcome outcome) {
        if (dag != null) {
            TaskCallbackRun.run(dag.taskCallbacks(spec.taskId()), TaskCallbackRun.outcomeOf(outcome.error(),
                    outcome.noRetry(), assignment.getAttempt(), spec), outcome.error(), identity, session, json, spec);
        }
        report(outcome);
    }

    private void report(Outcome outcome) {
        WorkerEvents.TaskPhase reporting = WorkerEvents.TaskPhase.begin("report", assignment);
        try {
            session.shipLogs(true);
            if (outcome.error() == null) {
                client.deliver("complete", stub -> stub.completeTask(CompleteTaskRequest.newBuilder()
                        .setTaskToken(session.token()).setOutputJson(outcome.outputJson()).build()));
            } else {
                client.deliver("fail", stub -> stub.failTask(FailTaskRequest.newBuilder()
                        .setTaskToken(session.token()).setError(outcome.error()).setNoRetry(outcome.noRetry()).build()));
            }
        } catch (TeiClient.CallFailedException e) {
            if (outcome.error() == null && e.status().getCode() == Status.Code.INVALID_ARGUMENT) {
                // An output the server cannot store (e.g. a NUL in a string) fails the attempt now, with the reason.
                conclude(Outcome.failure("the task's output was refused: " + e.status().getDescription(), false));
                return;
            }
            log.warn("Worker {}: the outcome of {} was not recorded: {}", workerId, describe(), e.getMessage());
        } finally {
            reporting.done();
        }
    }

    /**
     * Sends the deferral the task asked for; once the server has it, the slot is free and there is
     * nothing more to report for this attempt (the trigger resumes it as a new assignment).
     */
    private void handOverToTrigger() {
        DeferTaskRequest request = session.deferral().orElseThrow();
        try {
            session.shipLogs(true);
            client.deliver("defer", stub -> stub.deferTask(request.toBuilder().setTaskToken(session.token()).build()));
            log.info("Worker {} deferred {} on a '{}' trigger", workerId, describe(), request.getTrigger());
        } catch (TeiClient.CallFailedException e) {
            if (e.status().getCode() == Status.Code.INVALID_ARGUMENT) {
                conclude(Outcome.failure("the task's deferral was refused: " + e.status().getDescription(), true));
                return;
            }
            log.warn("Worker {}: the deferral of {} was not recorded: {}", workerId, describe(), e.getMessage());
        }
    }

    private void heartbeat() {
        try (TaskLogContext context = TaskLogContext.of(assignment, workerId)) {
            heartbeatInContext();
        }
    }

    private void heartbeatInContext() {
        try {
            session.shipLogs(false);
            HeartbeatResponse response = client.deliverWithin("heartbeat", Duration.ZERO, stub -> stub.heartbeat(
                    HeartbeatRequest.newBuilder().setTaskToken(session.token()).build()));
            session.refreshToken(response.getTaskToken());
            if (response.getShouldStop()) {
                stopAtServersRequest();
            }
        } catch (TeiClient.CallFailedException e) {
            log.debug("Heartbeat for {} not delivered: {}", describe(), e.getMessage());
        }
    }

    /** The attempt was cancelled, timed out or retried elsewhere: stop the task and report nothing more. */
    private void stopAtServersRequest() {
        if (state.compareAndSet(State.RUNNING, State.STOPPED_BY_SERVER)) {
            log.info("Worker {} stops {}: the server says the attempt is no longer current", workerId, describe());
            Thread running = thread;
            if (running != null) {
                running.interrupt();
            }
        }
    }

    /**
     * The worker is going away before the task finished: stop it and hand it back, so that the
     * server queues it again for another worker at once. Does nothing if the task already ended.
     */
    void abandon(String reason) {
        if (!state.compareAndSet(State.RUNNING, State.ABANDONED)) {
            return;
        }
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
        session.log("task", "Stopped: " + reason);
        handBack(reason);
    }

    /** Returns an assignment that was never started (it arrived while the worker was draining). */
    void handBack(String reason) {
        try {
            session.shipLogs(false);
            client.deliverWithin("hand back", HAND_BACK_PATIENCE, stub -> stub.failTask(FailTaskRequest.newBuilder()
                    .setTaskToken(session.token()).setError(reason).setWorkerShutdown(true).build()));
            log.info("Worker {} handed {} back to the server: {}", workerId, describe(), reason);
        } catch (TeiClient.CallFailedException e) {
            log.warn("Worker {} could not hand {} back ({}); the heartbeat timeout will retry it", workerId,
                    describe(), e.getMessage());
        }
    }
}

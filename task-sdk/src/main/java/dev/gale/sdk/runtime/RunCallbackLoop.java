package dev.gale.sdk.runtime;

import dev.gale.sdk.Dag;
import dev.gale.sdk.Notifier;
import dev.gale.sdk.RunCallback;
import dev.gale.sdk.RunCallbackContext;
import dev.gale.sdk.RunCallbacks;
import dev.gale.tei.v1.ClaimRunCallbacksRequest;
import dev.gale.tei.v1.ReportRunCallbackRequest;
import dev.gale.tei.v1.RunCallbackAssignment;
import dev.gale.tei.v1.TaskExecutionGrpc;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the run callbacks of the DAGs this worker has loaded (see {@link RunCallback}): every few seconds it
 * claims those due on its queues, runs each one, bounded, on its own thread, and reports how it went. A
 * report that does not arrive leaves the claim to lapse on the server, which hands it out again: at
 * least once. Only a worker whose DAGs declare run callbacks runs this loop.
 */
final class RunCallbackLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunCallbackLoop.class);
    static final Duration POLL_EVERY = Duration.ofSeconds(2);
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
    private static final Duration REPORT_PATIENCE = Duration.ofSeconds(30);

    private final String workerId;
    private final DagRegistry dags;
    private final List<String> dagIds;
    private final TaskExecutionGrpc.TaskExecutionBlockingStub stub;
    private final TeiClient client;
    private final JsonMapper json;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gale-worker-run-callbacks");
        t.setDaemon(true);
        return t;
    });

    private RunCallbackLoop(String workerId, DagRegistry dags, List<String> dagIds,
                            TaskExecutionGrpc.TaskExecutionBlockingStub stub, TeiClient client, JsonMapper json) {
        this.workerId = workerId;
        this.dags = dags;
        this.dagIds = dagIds;
        this.stub = stub;
        this.client = client;
        this.json = json;
    }

    /** Starts the loop when some loaded DAG declares run callbacks; empty otherwise. */
    static Optional<RunCallbackLoop> startFor(String workerId, DagRegistry dags,
                                              TaskExecutionGrpc.TaskExecutionBlockingStub stub, TeiClient client,
                                              JsonMapper json) {
        List<String> withCallbacks = dags.dags().stream().filter(d -> !d.runCallbacks().byEvent().isEmpty())
                .map(Dag::dagId).toList();
        if (withCallbacks.isEmpty()) {
            return Optional.empty();
        }
        RunCallbackLoop loop = new RunCallbackLoop(workerId, dags, withCallbacks, stub, client, json);
        loop.executor.scheduleWithFixedDelay(loop::pass, POLL_EVERY.toMillis(), POLL_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        return Optional.of(loop);
    }

    private void pass() {
        try {
            while (true) {
                List<RunCallbackAssignment> claimed = stub.withDeadlineAfter(CALL_DEADLINE).claimRunCallbacks(
                        ClaimRunCallbacksRequest.newBuilder().setWorkerId(workerId).setMax(1).addAllDagIds(dagIds)
                                .build()).getCallbacksList();
                if (claimed.isEmpty()) {
                    return;
                }
                claimed.forEach(this::runAndReport);
            }
        } catch (StatusRuntimeException e) {
            log.debug("Worker {} could not claim run callbacks: {}", workerId, e.getStatus());
        } catch (RuntimeException e) {
            log.error("Worker {}: a pass over run callbacks failed; the next pass retries", workerId, e);
        }
    }

    private void runAndReport(RunCallbackAssignment callback) {
        String describe = callback.getEvent() + " callback of " + callback.getDagId() + " run " + callback.getRunId()
                + " (delivery " + callback.getDeliveryId() + ", attempt " + callback.getAttempt() + ")";
        Optional<String> problem = run(callback, describe);
        problem.ifPresentOrElse(p -> log.warn("Worker {}: the {} failed: {}", workerId, describe, p),
                () -> log.info("Worker {} ran the {}", workerId, describe));
        try {
            client.deliverWithin("report run callback", REPORT_PATIENCE, s -> s.reportRunCallback(
                    ReportRunCallbackRequest.newBuilder().setWorkerId(workerId).setDeliveryId(callback.getDeliveryId())
                            .setAttempt(callback.getAttempt()).setError(problem.orElse("")).build()));
        } catch (TeiClient.CallFailedException e) {
            log.warn("Worker {}: the outcome of the {} was not recorded ({}); the server hands it out again once its"
                    + " claim lapses", workerId, describe, e.getMessage());
        }
    }

    private Optional<String> run(RunCallbackAssignment callback, String describe) {
        Dag dag = dags.dag(callback.getDagId()).orElse(null);
        if (dag == null || !dag.versionHash().equals(callback.getDagVersionHash())) {
            return Optional.of("worker " + workerId + (dag == null ? " has no DAG '" + callback.getDagId() + "' loaded"
                    : " has another version of DAG '" + callback.getDagId() + "' than the run's "
                    + callback.getDagVersionHash().substring(0, Math.min(12, callback.getDagVersionHash().length())))
                    + "; deploy the run's DAG bundle to the workers of its callback queue");
        }
        Notifier.RunEvent event = Notifier.RunEvent.valueOf(callback.getEvent().toUpperCase(Locale.ROOT));
        Optional<RunCallback> code = dag.runCallbacks().forEvent(event);
        if (code.isEmpty()) {
            return Optional.of("DAG '" + callback.getDagId() + "' declares no " + callback.getEvent() + " run callback");
        }
        Context context = new Context(callback, event, describe, json.readValue(callback.getParamsJson().isEmpty()
                ? "{}" : callback.getParamsJson(), new TypeReference<Map<String, Object>>() { }));
        return BoundedCallback.run("gale-run-callback-" + callback.getDeliveryId(), RunCallbacks.TIMEOUT,
                () -> code.get().call(context));
    }

    private record Context(RunCallbackAssignment callback, Notifier.RunEvent event, String describe,
                           Map<String, Object> params) implements RunCallbackContext {
        @Override
        public String dagId() {
            return callback.getDagId();
        }

        @Override
        public String runId() {
            return callback.getRunId();
        }

        @Override
        public String state() {
            return callback.getState();
        }

        @Override
        public List<FailedTask> failedTasks() {
            return callback.getFailedTasksList().stream()
                    .map(t -> new FailedTask(t.getTaskId(), t.getMapIndex(), t.getError())).toList();
        }

        @Override
        public Optional<String> error() {
            return callback.getError().isEmpty() ? Optional.empty() : Optional.of(callback.getError());
        }

        @Override
        public Optional<Instant> logicalDate() {
            return callback.getLogicalDateMs() == 0 ? Optional.empty()
                    : Optional.of(Instant.ofEpochMilli(callback.getLogicalDateMs()));
        }

        @Override
        public int attempt() {
            return callback.getAttempt();
        }

        @Override
        public void log(String line) {
            log.info("[{}] {}", describe, line);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.RunDecider;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.engine.WorkerOffer;
import dev.gale.sdk.SecretParams;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What workers do to task instances, through the TEI: claim, start, heartbeat, log, read and write
 * XComs, complete, fail; and what people read of them (state, logs).
 */
public final class TaskExecutionService {
    private static final Logger log = LoggerFactory.getLogger(TaskExecutionService.class);

    private final SchedulerStore store;
    private final Clock clock;
    private final Supplier<List<String>> alsoMasked;
    private final RunTracing tracing;

    public TaskExecutionService(SchedulerStore store, Clock clock) {
        this(store, clock, List::of);
    }

    /** {@code alsoMasked}: values masked in every task's logs and errors besides its run's secrets (connection passwords). */
    public TaskExecutionService(SchedulerStore store, Clock clock, Supplier<List<String>> alsoMasked) {
        this(store, clock, alsoMasked, RunTracing.NONE);
    }

    /** As above, with a span for each claim of a traced run's attempt, whose context goes to the worker. */
    public TaskExecutionService(SchedulerStore store, Clock clock, Supplier<List<String>> alsoMasked,
                                RunTracing tracing) {
        this.store = store;
        this.clock = clock;
        this.alsoMasked = alsoMasked;
        this.tracing = tracing;
    }

    /**
     * Records a worker's registration. When it comes from a new process under the id of one that held
     * attempts, those attempts are failed at once (fenced, and retried under their retry policy) rather
     * than after the heartbeat timeout: the process that ran them is gone.
     */
    public void registerWorker(WorkerRegistration worker) {
        // Released before the new incarnation is recorded: if that fails half-way, the worker's next
        // Register still finds the old incarnation and releases the rest.
        boolean restarted = store.workerIncarnation(worker.workerId())
                .filter(previous -> !previous.equals(worker.incarnation())).isPresent();
        if (restarted) {
            store.releaseAttemptsOf(worker.workerId(), "worker " + worker.workerId() + " restarted while running"
                    + " this attempt", clock.instant(), RunDecider::decide);
        }
        store.registerWorker(worker);
    }

    public Optional<WorkerView> registeredWorker(String workerId) {
        return store.registeredWorker(workerId);
    }

    /** Claims for a worker without GPUs. */
    public List<ClaimedTask> claim(String workerId, List<String> queues, int max) {
        return claim(WorkerOffer.cpu(workerId, queues), max);
    }

    public List<ClaimedTask> claim(WorkerOffer worker, int max) {
        Instant started = Instant.now();
        SchedulerEvents.Claim event = new SchedulerEvents.Claim();
        event.begin();
        List<ClaimedTask> claimed = store.claimQueued(worker, max);
        if (event.shouldCommit()) {
            event.workerId = worker.workerId();
            event.asked = max;
            event.claimed = claimed.size();
            event.commit();
        }
        return tracing.claimed(claimed, worker.workerId(), started);
    }

    public ReportOutcome start(TaskAttempt attempt) {
        SchedulerEvents.Report event = SchedulerEvents.Report.begin("start", attempt);
        ReportOutcome outcome = store.startTask(attempt);
        event.done();
        if (outcome == ReportOutcome.STALE) {
            logAbout(attempt, task -> log.warn("Refused to start attempt {} of {}.{}: it is no longer current ({} now)",
                    attempt.attempt(), task.dagId(), task.taskId(), task.state()));
        } else if (log.isDebugEnabled()) {
            logAbout(attempt, task -> log.debug("Attempt {} of {}.{} started", attempt.attempt(), task.dagId(),
                    task.taskId()));
        }
        return outcome;
    }

    public ReportOutcome heartbeat(TaskAttempt attempt) {
        return store.heartbeat(attempt);
    }

    /** Stores log lines with the values of the run's secret params replaced by {@code ***}. */
    public ReportOutcome appendLogs(TaskAttempt attempt, List<TaskLogLine> lines) {
        List<String> secrets = masked(attempt);
        List<TaskLogLine> scrubbed = secrets.isEmpty() ? lines : lines.stream()
                .map(l -> new TaskLogLine(l.offset(), l.attempt(), l.loggedAt(), l.stream(),
                        SecretParams.scrub(l.line(), secrets)))
                .toList();
        return store.appendLogs(attempt, scrubbed);
    }

    /** Queues the attempt again at once: its worker shut down before the task finished. */
    public ReportOutcome requeueAfterWorkerShutdown(TaskAttempt attempt, String reason) {
        String scrubbed = scrubbed(attempt, reason);
        ReportOutcome outcome = store.requeueAfterWorkerShutdown(attempt, scrubbed, clock.instant());
        if (outcome == ReportOutcome.ACCEPTED) {
            logAbout(attempt, task -> log.info("Queued {}.{} again after attempt {}: {}", task.dagId(), task.taskId(),
                    attempt.attempt(), scrubbed));
        }
        return outcome;
    }

    /** A repeat of a completion already recorded for the attempt (its answer was lost) is accepted again. */
    public ReportOutcome complete(TaskAttempt attempt, String outputJson) {
        SchedulerEvents.Report event = SchedulerEvents.Report.begin("success", attempt);
        ReportOutcome outcome = repeatable(store.completeTask(attempt, outputJson, RunDecider::decide), attempt, true);
        event.done();
        if (outcome == ReportOutcome.STALE) {
            logAbout(attempt, task -> log.warn("Refused the success of attempt {} of {}.{}: it is no longer current"
                    + " ({} now)", attempt.attempt(), task.dagId(), task.taskId(), task.state()));
        } else if (log.isDebugEnabled()) {
            logAbout(attempt, task -> log.debug("Attempt {} of {}.{} succeeded", attempt.attempt(), task.dagId(),
                    task.taskId()));
        }
        return outcome;
    }

    /**
     * Records the failure with the run's secret values in {@code error} replaced by {@code ***}, as in logs.
     * A repeat of a failure already recorded for the attempt is accepted again; a failure after success is not.
     */
    public ReportOutcome fail(TaskAttempt attempt, String error, boolean noRetry) {
        String scrubbed = scrubbed(attempt, error);
        SchedulerEvents.Report event = SchedulerEvents.Report.begin("failure", attempt);
        ReportOutcome outcome = repeatable(store.failTask(attempt, scrubbed, noRetry, clock.instant(),
                RunDecider::decide), attempt, false);
        event.done();
        if (outcome == ReportOutcome.STALE) {
            logAbout(attempt, task -> log.warn("Refused the failure of attempt {} of {}.{}: it is no longer current"
                    + " ({} now)", attempt.attempt(), task.dagId(), task.taskId(), task.state()));
        } else {
            logAbout(attempt, task -> log.info("Attempt {} of {}.{} failed ({} now): {}", attempt.attempt(),
                    task.dagId(), task.taskId(), task.state(), scrubbed));
        }
        return outcome;
    }

    /** Writes a line about {@code attempt} with its task in the MDC; none when its task instance is gone. */
    private void logAbout(TaskAttempt attempt, Consumer<AttemptIdentity> line) {
        store.attemptIdentity(attempt).ifPresent(task -> {
            try (TaskLogMdc mdc = TaskLogMdc.of(task)) {
                line.accept(task);
            }
        });
    }

    private ReportOutcome repeatable(ReportOutcome outcome, TaskAttempt attempt, boolean succeeded) {
        if (outcome != ReportOutcome.STALE) {
            return outcome;
        }
        boolean same = store.endedAttemptState(attempt)
                .map(ended -> (ended == TaskInstanceState.SUCCESS) == succeeded)
                .orElse(false);
        return same ? ReportOutcome.ACCEPTED : ReportOutcome.STALE;
    }

    /**
     * {@code text} (null stays null) with the values of the attempt's run's secret params, and the other
     * values masked everywhere (connection passwords, secret variables), replaced by {@code ***}.
     */
    public String scrubbed(TaskAttempt attempt, String text) {
        if (text == null) {
            return null;
        }
        List<String> secrets = masked(attempt);
        return secrets.isEmpty() ? text : SecretParams.scrub(text, secrets);
    }

    private List<String> masked(TaskAttempt attempt) {
        List<String> shared = alsoMasked.get();
        List<String> ofRun = store.secretParamValues(attempt.taskInstanceId());
        return shared.isEmpty() ? ofRun : Stream.concat(ofRun.stream(), shared.stream()).toList();
    }

    /** Whether the attempt's task instance exists (a token outlives a deleted run, and can be forged with the key). */
    public boolean exists(TaskAttempt attempt) {
        return store.runIdOf(attempt.taskInstanceId()).isPresent();
    }

    public String runIdOf(TaskAttempt attempt) {
        return store.runIdOf(attempt.taskInstanceId()).orElseThrow(() ->
                new IllegalStateException("task instance " + attempt.taskInstanceId() + " does not exist"));
    }

    public Optional<String> xcom(String runId, String taskId, int mapIndex, String key) {
        return store.readXCom(runId, taskId, mapIndex, key);
    }

    public ReportOutcome putXCom(TaskAttempt attempt, String key, String valueJson) {
        return store.putXCom(attempt, key, valueJson);
    }

    public Optional<TaskInstanceView> taskInstance(String runId, String taskId, int mapIndex) {
        return store.findTaskInstance(runId, taskId, mapIndex);
    }

    public List<TaskLogLine> logs(String runId, String taskId, int mapIndex, Integer attempt, long afterOffset,
                                  int limit) {
        return store.readLogs(runId, taskId, mapIndex, attempt, afterOffset, limit);
    }
}

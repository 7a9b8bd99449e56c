package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.Decision;
import dev.gale.scheduler.engine.RunSnapshot;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.engine.WorkerOffer;
import dev.gale.sdk.spec.DagSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The scheduler's persistence port. Each method is one transaction. Methods that take a
 * {@code decide} function lock the run, hand its snapshot to the engine, and apply the decision
 * before committing, so that "complete a task and schedule what follows" is atomic.
 */
public interface SchedulerStore {

    /** Stores the DAG and, if its hash is new, a new version that becomes current. */
    DagVersion syncDag(DagSpec spec, String hash);

    List<DagSummary> listDags();

    Optional<DagSummary> findDag(String dagId);

    /**
     * Creates the run and its task instances. Empty when nothing was created: a run with the same id,
     * scheduled logical date, or Idempotency-Key of the DAG exists.
     */
    Optional<DagRunView> createRun(NewDagRun run, Function<RunSnapshot, Decision> decide);

    Optional<KeyedRun> findRunByIdempotencyKey(String dagId, String idempotencyKey);

    /** Sets whether a DAG is paused; false when the DAG does not exist. */
    boolean setPaused(String dagId, boolean paused);

    /**
     * Cancels an unfinished run, waking its waiters: running attempts fail (so their heartbeats are
     * answered "stop"), task instances not started are skipped. Empty when the run does not exist.
     *
     * @throws RunStateConflictException when the run has finished
     */
    Optional<DagRunView> cancelRun(String dagId, String runId, Instant now);

    /**
     * Resets the task instances that {@code select} picks from a finished run so they run again, and
     * lets {@code decide} queue what can start. Empty when the run does not exist.
     *
     * @throws RunStateConflictException when the run has not finished or {@code select} picks nothing
     */
    Optional<DagRunView> clearTasks(String dagId, String runId, Function<RunSnapshot, Set<String>> select,
                                    Function<RunSnapshot, Decision> decide);

    Optional<DagRunView> findRun(String dagId, String runId);

    /** Counts runs of a DAG, for tests and the API's totals. */
    int countRuns(String dagId);

    /**
     * Claims up to {@code max} queued task instances of the worker's queues for it, making them running:
     * tasks that need GPUs only while its GPUs not held by its running attempts suffice, and tasks that
     * need none only when it takes those.
     */
    List<ClaimedTask> claimQueued(WorkerOffer worker, int max);

    ReportOutcome startTask(TaskAttempt attempt);

    ReportOutcome heartbeat(TaskAttempt attempt);

    /** The values of the secret params of a task instance's run, to keep them out of its logs. */
    List<String> secretParamValues(long taskInstanceId);

    ReportOutcome appendLogs(TaskAttempt attempt, List<TaskLogLine> lines);

    /** Reads a task instance's log lines after {@code afterOffset}, at most {@code limit}. */
    List<TaskLogLine> readLogs(String runId, String taskId, int mapIndex, Integer attempt, long afterOffset, int limit);

    /** The public run id of the run a task instance belongs to. */
    Optional<String> runIdOf(long taskInstanceId);

    Optional<String> readXCom(String runId, String taskId, int mapIndex, String key);

    /** Stores an XCom of the attempt's task instance under {@code key}, replacing an earlier value. */
    ReportOutcome putXCom(TaskAttempt attempt, String key, String valueJson);

    /** The attempt with its run and task, or empty when it is not the running attempt of its task instance. */
    Optional<RunningTask> runningTask(TaskAttempt attempt);

    /** A task instance of a run, or empty when the run or the task instance does not exist. */
    Optional<TaskInstanceView> findTaskInstance(String runId, String taskId, int mapIndex);

    ReportOutcome completeTask(TaskAttempt attempt, String outputJson, Function<RunSnapshot, Decision> decide);

    ReportOutcome failTask(TaskAttempt attempt, String error, boolean noRetry, Instant now,
                           Function<RunSnapshot, Decision> decide);

    /**
     * Queues the attempt's task instance again at once, whatever its retry policy says: its worker
     * stopped before the task finished (drained on shutdown), so the task itself did not fail.
     */
    ReportOutcome requeueAfterWorkerShutdown(TaskAttempt attempt, String reason, Instant now);

    /** Queues again the up_for_retry instances whose delay has passed; returns how many. */
    int requeueDueRetries(Instant now);

    /** Fails (then retries, per policy) running attempts whose last heartbeat is older than {@code timeout}. */
    int failAttemptsWithoutHeartbeat(Instant now, Duration timeout, Function<RunSnapshot, Decision> decide);

    /**
     * Fails a deferred task instance whose trigger timed out, without retry (waiting longer would not
     * help), and decides what follows in its run; its trigger is disarmed with it.
     *
     * @return false when the instance was no longer deferred
     */
    boolean failDeferred(long taskInstanceId, String error, Instant now, Function<RunSnapshot, Decision> decide);

    /** Fails (then retries, per policy) running attempts that outlived their task's execution timeout. */
    int failTimedOutAttempts(Instant now, Function<RunSnapshot, Decision> decide);

    /** Starts runs waiting for their DAG's {@code maxActiveRuns}, oldest first, where slots are free. */
    void startQueuedRuns(Function<RunSnapshot, Decision> decide);

    /** Queues scheduled task instances whose pool and DAG limits have free slots. */
    void queueScheduledTasks();

    /** Creates or resizes pools. */
    void definePools(java.util.Map<String, Integer> slotsByPool);

    void registerWorker(WorkerRegistration worker);

    /** The incarnation the worker last registered with; empty when it never did or did not say. */
    Optional<String> workerIncarnation(String workerId);

    /** The worker as it last registered, whether or not it is connected now. */
    Optional<WorkerView> registeredWorker(String workerId);

    /**
     * Fails (under each task's retry policy, as a missed heartbeat would) the running attempts of a
     * worker whose process is gone. Returns how many.
     */
    int releaseAttemptsOf(String workerId, String reason, Instant now, Function<RunSnapshot, Decision> decide);

    /** How an attempt that has ended ended (success, failed or up_for_retry); empty while it has not. */
    Optional<TaskInstanceState> endedAttemptState(TaskAttempt attempt);

    /** Records that these workers' assignment streams are open at {@code now}. */
    void workersSeen(List<String> workerIds, Instant now);

    /** Records that a worker's assignment stream closed. */
    void workerDisconnected(String workerId, Instant now);

    /** Workers whose stream is open and that were seen since {@code seenSince}, by worker id. */
    List<WorkerView> connectedWorkers(Instant seenSince);

    /**
     * Gives each queued task instance that needs GPUs the reason no connected worker (seen since
     * {@code seenSince}) could ever run it, clears the reason of those that one could, and fails
     * without retry those that have waited so for {@code timeout}. Returns how many failed.
     */
    int reviewGpuWaits(Instant now, Instant seenSince, Duration timeout, Function<RunSnapshot, Decision> decide);
}

package dev.gale.api.grpc.v1;

import dev.gale.api.security.TaskTokens;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.scheduler.service.TaskLogMdc;
import dev.gale.scheduler.service.WorkerDirectory;
import dev.gale.tei.v1.Assignment;
import dev.gale.tei.v1.FiredTrigger;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands queued task instances to the workers connected to this API replica. It sleeps until woken
 * (a task was queued anywhere, a worker asked for more, a worker connected), then claims work for
 * each worker with free credits, taking turns so that no worker starves the others. Claims use
 * {@code FOR UPDATE SKIP LOCKED}, so replicas never hand out the same attempt twice. A slow
 * periodic wake-up is the safety net for a missed notification. It also marks its workers seen
 * while their streams are open, so that GPU routing and {@code GET /api/v1/workers} know who is connected.
 */
final class AssignmentDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AssignmentDispatcher.class);
    private static final long SAFETY_NET_MS = 1_000;

    private final TaskExecutionService tasks;
    private final WorkerDirectory workers;
    private final TaskTokens tokens;
    private final List<WorkerConnection> connections = new CopyOnWriteArrayList<>();
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;
    private int nextConnection;
    private long lastSeenMark;

    AssignmentDispatcher(TaskExecutionService tasks, WorkerDirectory workers, TaskTokens tokens) {
        this.tasks = tasks;
        this.workers = workers;
        this.tokens = tokens;
        this.lastSeenMark = System.nanoTime();
        this.thread = Thread.ofPlatform().daemon(true).name("gale-dispatcher").start(this::loop);
    }

    void connected(WorkerConnection connection) {
        connections.add(connection);
        wakeUp("a worker connected");
    }

    void disconnected(WorkerConnection connection) {
        // A worker that reconnected already has a newer stream: it is still connected.
        if (connections.remove(connection)
                && connections.stream().noneMatch(c -> c.workerId().equals(connection.workerId()))) {
            try {
                workers.disconnected(connection.workerId());
            } catch (RuntimeException e) {
                log.warn("Could not record that worker {} disconnected; it ages out instead", connection.workerId(), e);
            }
        }
    }

    void wakeUp(String by) {
        DispatchEvents.Woken.by(by);
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    private void loop() {
        while (running) {
            try {
                wake.tryAcquire(SAFETY_NET_MS, TimeUnit.MILLISECONDS);
                wake.drainPermits();
                DispatchEvents.Pass pass = new DispatchEvents.Pass();
                pass.begin();
                markSeen();
                pass.assigned = dispatchAll();
                pass.commit();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("Dispatching assignments failed; retrying shortly", e);
            }
        }
    }

    private void markSeen() {
        long now = System.nanoTime();
        if (now - lastSeenMark >= workers.seenInterval().toNanos()) {
            workers.seen(connections.stream().map(WorkerConnection::workerId).distinct().toList());
            lastSeenMark = now;
        }
    }

    /**
     * Claims for one worker at a time, round robin, until no worker with credits left gets more work;
     * returns how many assignments it sent.
     */
    private int dispatchAll() {
        int sent = 0;
        boolean claimedAny = true;
        while (claimedAny && running) {
            claimedAny = false;
            List<WorkerConnection> snapshot = List.copyOf(connections);
            for (int i = 0; i < snapshot.size(); i++) {
                WorkerConnection connection = snapshot.get((nextConnection + i) % snapshot.size());
                int credits = connection.credits();
                // The snapshot may hold a worker that has just gone: claiming for it would leave the claimed
                // tasks to the heartbeat timeout, each costing a retry.
                if (credits <= 0 || connection.isGone()) {
                    continue;
                }
                List<ClaimedTask> claimed = tasks.claim(connection.offer(), credits);
                for (ClaimedTask task : claimed) {
                    try (TaskLogMdc mdc = TaskLogMdc.of(task, connection.workerId())) {
                        if (connection.send(toAssignment(task))) {
                            sent++;
                            sentEvent(task, connection);
                            log.debug("Assigned attempt {} of {}.{} to worker {}", task.attempt(), task.dagId(),
                                    task.taskId(), connection.workerId());
                        } else {
                            log.warn("Worker {} went away before receiving {} of run {}; the heartbeat timeout will"
                                    + " retry it", connection.workerId(), task.taskId(), task.runId());
                        }
                    }
                }
                // A claim short of the credits took all the worker could get: asking again right away finds
                // nothing and costs a transaction; work queued meanwhile wakes the dispatcher anyway.
                claimedAny |= claimed.size() == credits;
            }
            nextConnection++;
        }
        return sent;
    }

    private static void sentEvent(ClaimedTask task, WorkerConnection connection) {
        DispatchEvents.AssignmentSent event = new DispatchEvents.AssignmentSent();
        if (event.shouldCommit()) {
            event.runId = task.runId();
            event.taskId = task.taskId();
            event.workerId = connection.workerId();
            event.commit();
        }
    }

    private Assignment toAssignment(ClaimedTask task) {
        Assignment.Builder assignment = Assignment.newBuilder();
        if (task.logicalDate() != null) {
            assignment.setLogicalDateMs(task.logicalDate().toEpochMilli())
                    .setDataIntervalStartMs(task.dataIntervalStartOrLogicalDate().toEpochMilli())
                    .setDataIntervalEndMs(task.logicalDate().toEpochMilli());
        }
        return assignment
                .setTaskToken(tokens.issue(new TaskAttempt(task.taskInstanceId(), task.attempt())))
                .setDagId(task.dagId())
                .setDagVersionHash(task.dagVersionHash())
                .setRunId(task.runId())
                .setTaskId(task.taskId())
                .setMapIndex(task.mapIndex())
                .setMapItemJson(task.mapItemJson())
                .setAttempt(task.attempt())
                .setParamsJson(task.paramsJson())
                .putAllUpstreamOutputsJson(task.upstreamOutputsJson())
                .setExecutionTimeoutMs(task.executionTimeoutMs() == null ? 0 : task.executionTimeoutMs())
                .setGpuCount(task.gpuCount())
                .setGpuMemoryMb(task.gpuMemoryMb())
                .setTaskKind(task.taskKind())
                .setTaskSpecJson(task.taskSpecJson())
                .setTraceparent(task.traceparent() == null ? "" : task.traceparent())
                .addAllTriggerEvents(task.triggerEvents().stream().map(fired -> FiredTrigger.newBuilder()
                        .setKind(fired.kind()).setEventJson(fired.eventJson()).build()).toList())
                .build();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}

package dev.gale.api.metrics;

import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.SchedulerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@link SchedulerMetrics} as Micrometer meters, each a Prometheus series at {@code /actuator/prometheus}:
 * <ul>
 * <li>{@code gale_task_duration_seconds{dag_id,task_id,state}} — how long attempts ran, claim to end (histogram);
 * <li>{@code gale_task_queued_seconds{dag_id,task_id}} — how long task instances waited queued before a worker
 *     took them (histogram);
 * <li>{@code gale_runs_started_total{dag_id}}, {@code gale_runs_finished_total{dag_id,state}};
 * <li>{@code gale_scheduler_pass_seconds{outcome}} — one pass of the scheduling loop;
 * <li>{@code gale_claim_seconds} and {@code gale_claimed_tasks_total} — the claims that feed workers.
 * </ul>
 * Buckets are fixed (no client-side percentiles, so replicas aggregate); labels are DAG and task ids only, and
 * {@link MetricsCardinality} caps how many distinct values they may take.
 */
public final class MicrometerSchedulerMetrics implements SchedulerMetrics {
    /** From a quick task to a training job of several hours. */
    static final Duration[] DURATION_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800,
            3600, 7200, 21600);
    /** Sub-second when workers have free slots; minutes when the queue backs up or a GPU pool scales from zero. */
    static final Duration[] QUEUED_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
            300, 900, 3600);
    private static final Duration[] LOOP_BUCKETS = seconds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
            10);

    private final MeterRegistry registry;
    private final Timer passOk;
    private final Timer passFailed;
    private final Timer claim;
    private final Counter claimedTasks;

    public MicrometerSchedulerMetrics(MeterRegistry registry) {
        this.registry = registry;
        passOk = passTimer("ok");
        passFailed = passTimer("failed");
        claim = Timer.builder("gale.claim").description("One claim of queued task instances for a worker")
                .serviceLevelObjectives(LOOP_BUCKETS).register(registry);
        claimedTasks = Counter.builder("gale.claimed.tasks").description("Task instances handed to workers")
                .register(registry);
    }

    private Timer passTimer(String outcome) {
        return Timer.builder("gale.scheduler.pass").description("One pass of the scheduling loop's duties")
                .tag("outcome", outcome).serviceLevelObjectives(LOOP_BUCKETS).register(registry);
    }

    @Override
    public void taskClaimed(String dagId, String taskId, Duration waited) {
        Timer.builder("gale.task.queued").description("How long a task instance waited queued before a worker took it")
                .tag("dag_id", dagId).tag("task_id", taskId).serviceLevelObjectives(QUEUED_BUCKETS)
                .register(registry).record(nonNegative(waited));
    }

    @Override
    public void attemptEnded(String dagId, String taskId, TaskInstanceState state, Duration ran) {
        Timer.builder("gale.task.duration").description("How long a task attempt ran, from its claim to its end")
                .tag("dag_id", dagId).tag("task_id", taskId).tag("state", state.wireName())
                .serviceLevelObjectives(DURATION_BUCKETS).register(registry).record(nonNegative(ran));
    }

    @Override
    public void runStarted(String dagId) {
        Counter.builder("gale.runs.started").description("DAG runs that began running").tag("dag_id", dagId)
                .register(registry).increment();
    }

    @Override
    public void runFinished(String dagId, DagRunState state) {
        Counter.builder("gale.runs.finished").description("DAG runs that ended, by their final state")
                .tag("dag_id", dagId).tag("state", state.wireName()).register(registry).increment();
    }

    @Override
    public void schedulingPass(Duration took, boolean failed) {
        (failed ? passFailed : passOk).record(took);
    }

    @Override
    public void claim(Duration took, int tasks) {
        claim.record(took.toNanos(), TimeUnit.NANOSECONDS);
        claimedTasks.increment(tasks);
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static Duration[] seconds(double... values) {
        Duration[] buckets = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            buckets[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return buckets;
    }
}

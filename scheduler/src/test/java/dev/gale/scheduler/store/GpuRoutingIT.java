package dev.gale.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.assets.store.AssetMigrations;
import dev.gale.assets.store.JooqAssetRegistry;
import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.engine.RunDecider;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.engine.WorkerOffer;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.scheduler.service.TaskInstanceView;
import dev.gale.scheduler.service.WorkerRegistration;
import dev.gale.scheduler.service.WorkerView;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GPU-aware claims, GPU accounting across attempts, and the GPU wait review, on real PostgreSQL. */
class GpuRoutingIT {
    private static JooqSchedulerStore store;
    private static RunService runs;
    private static TaskExecutionService tasks;

    @BeforeAll
    static void setUp() {
        var dataSource = TestPostgres.newDatabase().dataSource();
        SchedulerMigrations.migrate(dataSource);
        AssetMigrations.migrate(dataSource);
        var dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        store = new JooqSchedulerStore(dsl, Clock.systemUTC());
        new DagService(store, new JooqAssetRegistry(dsl), new JooqRunHistory(dsl))
                .sync(List.of(mixed(), cpuOnly(), twoGpuTasks(), waiting("doomed"), waiting("rescued")));
        runs = new RunService(store, new JooqRunHistory(dsl), Clock.systemUTC());
        tasks = new TaskExecutionService(store, Clock.systemUTC());
    }

    /** Independent tasks on queue "mixed": two CPU tasks and three GPU tasks of different sizes. */
    private static Dag mixed() {
        DagBuilder d = Dag.builder("mixed");
        d.task("cpu_a", ctx -> null).queue("mixed");
        d.task("cpu_b", ctx -> null).queue("mixed");
        d.task("pair", ctx -> null).queue("mixed").priorityWeight(30).resources(0, 0, 2, 0);
        d.task("small", ctx -> null).queue("mixed").priorityWeight(20).resources(0, 0, 1, 16384);
        d.task("big", ctx -> null).queue("mixed").priorityWeight(10).resources(0, 0, 1, 40960);
        return d.build();
    }

    private static Dag cpuOnly() {
        DagBuilder d = Dag.builder("cpu_only");
        d.task("plain", ctx -> null).queue("plain");
        return d.build();
    }

    private static Dag twoGpuTasks() {
        DagBuilder d = Dag.builder("two_gpu_tasks");
        d.task("first", ctx -> null).queue("one_gpu").priorityWeight(2).resources(0, 0, 1, 0);
        d.task("second", ctx -> null).queue("one_gpu").priorityWeight(1).resources(0, 0, 1, 0);
        return d.build();
    }

    /** prepare >> train (1 GPU of 40 GB) >> report, on a queue named as the DAG. */
    private static Dag waiting(String id) {
        DagBuilder d = Dag.builder(id);
        var prepare = d.task("prepare", ctx -> null).queue(id);
        var train = d.task("train", ctx -> null).queue(id).resources(0, 0, 1, 40960);
        prepare.then(train).then(d.task("report", ctx -> null).queue(id));
        return d.build();
    }

    private static List<String> claim(WorkerOffer worker) {
        return tasks.claim(worker, 10).stream().map(ClaimedTask::taskId).toList();
    }

    private static ClaimedTask claimOnly(WorkerOffer worker) {
        List<ClaimedTask> claimed = tasks.claim(worker, 10);
        assertThat(claimed).hasSize(1);
        return claimed.getFirst();
    }

    private static void complete(ClaimedTask task) {
        tasks.complete(new TaskAttempt(task.taskInstanceId(), task.attempt()), "null");
    }

    @Test
    void gpuTasksGoOnlyToWorkersWhoseFreeGpusAreEnoughAndLargeEnough() {
        runs.trigger("mixed", Map.of(), "manual", null);
        WorkerOffer cpu = WorkerOffer.cpu("cpu", List.of("mixed"));
        WorkerOffer twoSmall = new WorkerOffer("two-small", List.of("mixed"), 2, 24576, false);
        WorkerOffer oneLarge = new WorkerOffer("one-large", List.of("mixed"), 1, 81920, false);

        assertThat(claim(cpu)).containsExactlyInAnyOrder("cpu_a", "cpu_b");
        ClaimedTask pair = claimOnly(twoSmall);
        assertThat(pair.taskId()).isEqualTo("pair");
        assertThat(pair.gpuCount()).isEqualTo(2);
        assertThat(claim(twoSmall)).as("both GPUs are held by 'pair'").isEmpty();
        ClaimedTask small = claimOnly(oneLarge);
        assertThat(small.taskId()).isEqualTo("small");
        assertThat(small.gpuMemoryMb()).isEqualTo(16384);
        assertThat(claim(oneLarge)).as("its one GPU is held by 'small'").isEmpty();

        complete(pair);
        assertThat(claim(twoSmall)).as("'big' needs 40 GB; these GPUs have 24").isEmpty();
        complete(small);
        assertThat(claimOnly(oneLarge).taskId()).isEqualTo("big");
    }

    @Test
    void aGpuWorkerTakesCpuTasksOnlyWhenItOptedIn() {
        runs.trigger("cpu_only", Map.of(), "manual", null);

        assertThat(claim(new WorkerOffer("gpu-only", List.of("plain"), 1, 24576, false))).isEmpty();
        assertThat(claim(new WorkerOffer("gpu-and-cpu", List.of("plain"), 1, 24576, true))).containsExactly("plain");
    }

    @Test
    void aGpuIsFreeAgainOnceTheAttemptHoldingItFailed() {
        runs.trigger("two_gpu_tasks", Map.of(), "manual", null);
        WorkerOffer oneGpu = new WorkerOffer("one-gpu", List.of("one_gpu"), 1, 24576, false);
        ClaimedTask first = claimOnly(oneGpu);
        assertThat(first.taskId()).isEqualTo("first");
        assertThat(claim(oneGpu)).isEmpty();

        tasks.fail(new TaskAttempt(first.taskInstanceId(), first.attempt()), "CUDA out of memory", false);

        assertThat(claimOnly(oneGpu).taskId()).isEqualTo("second");
    }

    @Test
    void aGpuTaskNoConnectedWorkerCanRunSaysWhyAndFailsAfterTheTimeout() {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        Duration timeout = Duration.ofMinutes(10);
        register("small-gpu", List.of("doomed"), 1, 24576, now);
        DagRunView run = runs.trigger("doomed", Map.of(), "manual", null);
        complete(claimOnly(WorkerOffer.cpu("cpu", List.of("doomed"))));

        store.reviewGpuWaits(now, now.minusSeconds(30), timeout, RunDecider::decide);
        TaskInstanceView train = store.findTaskInstance(run.runId(), "train", -1).orElseThrow();
        assertThat(train.state()).isEqualTo(TaskInstanceState.QUEUED);
        assertThat(train.waitingReason()).isEqualTo("waiting for a worker with 1 GPU of >= 40 GB on queue"
                + " 'doomed'; connected GPU workers on queue 'doomed' offer small-gpu 1 x 24 GB");

        assertThat(store.reviewGpuWaits(now.plus(timeout).minusSeconds(1), now.minusSeconds(30), timeout,
                RunDecider::decide)).as("not yet").isZero();
        assertThat(store.reviewGpuWaits(now.plus(timeout), now.minusSeconds(30), timeout, RunDecider::decide))
                .isEqualTo(1);
        train = store.findTaskInstance(run.runId(), "train", -1).orElseThrow();
        assertThat(train.state()).isEqualTo(TaskInstanceState.FAILED);
        assertThat(train.error()).isEqualTo("no connected worker could run it for 600 s (the GPU wait timeout):"
                + " waiting for a worker with 1 GPU of >= 40 GB on queue 'doomed'; connected GPU workers on queue"
                + " 'doomed' offer small-gpu 1 x 24 GB");
        assertThat(train.waitingReason()).isNull();
        assertThat(store.findTaskInstance(run.runId(), "report", -1).orElseThrow().state())
                .isEqualTo(TaskInstanceState.UPSTREAM_FAILED);
        assertThat(runs.find("doomed", run.runId()).orElseThrow().state()).isEqualTo(DagRunState.FAILED);
    }

    @Test
    void theReasonGoesAwayWhenAWorkerThatFitsConnects() {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        DagRunView run = runs.trigger("rescued", Map.of(), "manual", null);
        complete(claimOnly(WorkerOffer.cpu("cpu", List.of("rescued"))));
        store.reviewGpuWaits(now, now.minusSeconds(30), Duration.ofMinutes(10), RunDecider::decide);
        assertThat(store.findTaskInstance(run.runId(), "train", -1).orElseThrow().waitingReason()).isNotNull();

        register("large-gpu", List.of("rescued"), 1, 81920, now);
        store.reviewGpuWaits(now, now.minusSeconds(30), Duration.ofMinutes(10), RunDecider::decide);

        assertThat(store.findTaskInstance(run.runId(), "train", -1).orElseThrow().waitingReason()).isNull();
        assertThat(claimOnly(new WorkerOffer("large-gpu", List.of("rescued"), 1, 81920, false)).taskId())
                .isEqualTo("train");
        store.workerDisconnected("large-gpu", now);
    }

    @Test
    void connectedWorkersAreThoseWithAnOpenStreamSeenRecentlyWithWhatTheirAttemptsHold() {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        register("listed-gpu", List.of("listing"), 2, 24576, now.minusSeconds(120));
        register("gone-gpu", List.of("listing"), 1, 24576, now);
        store.workerDisconnected("gone-gpu", now);
        register("stale-gpu", List.of("listing"), 1, 24576, now.minusSeconds(120));

        store.workersSeen(List.of("listed-gpu"), now);

        List<WorkerView> listed = store.connectedWorkers(now.minusSeconds(30)).stream()
                .filter(w -> w.queues().contains("listing")).toList();
        assertThat(listed).extracting(WorkerView::workerId).containsExactly("listed-gpu");
        WorkerView worker = listed.getFirst();
        assertThat(worker.gpuCount()).isEqualTo(2);
        assertThat(worker.gpuMemoryMb()).isEqualTo(24576);
        assertThat(worker.lastHeartbeatAt()).isEqualTo(now);
        assertThat(worker.slotsInUse()).isZero();
        assertThat(worker.gpusInUse()).isZero();
    }

    private static void register(String workerId, List<String> queues, int gpus, long memoryMb, Instant at) {
        store.registerWorker(new WorkerRegistration(workerId, "host", queues, "{\"slots\":4,\"gpuCount\":" + gpus
                + ",\"gpuModel\":\"declared\",\"gpuMemoryMb\":" + memoryMb + ",\"takesCpuTasks\":false,\"labels\":{}}",
                "test", at, ""));
    }
}

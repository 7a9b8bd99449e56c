package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gale.llm.LocalEmbeddings;
import dev.gale.worker.gpu.NvidiaSmi;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GPU routing end to end: a real server, two GPU worker processes with declared inventories and a
 * CPU worker process, over gRPC. GPU tasks land only on GPU workers, never more at once than their
 * GPUs, only on GPUs large enough; GPUs come back after failures and after a worker is killed. Without
 * CUDA, a GPU task's embeddings fall back to the CPU or fail, as the task says.
 */
class GpuWorkersIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static GaleTestServer gale;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        // The GPU wait timeout must outlast a worker JVM's start on a loaded machine (the waiting test starts one).
        gale = new GaleTestServer(Map.of("gale.heartbeat.timeout", "PT2S", "gale.heartbeat.interval", "PT0.5S",
                "gale.scheduler.interval", "PT0.2S", "gale.gpu.wait-timeout", "PT60S",
                "gale.task-token.secret", "gpu-workers-test"), false);
    }

    @AfterAll
    static void stop() {
        gale.close();
    }

    private record Attempt(String taskId, int mapIndex, String state, String workerId, Instant startedAt,
                           Instant endedAt, String output, String error) {
    }

    @Test
    void gpuTasksRunOnlyOnGpuWorkersWithinTheirGpusAndCpuTasksOnlyOnTheCpuWorker() throws Exception {
        try (WorkerProcesses workers = new WorkerProcesses(dir)) {
            workers.startGpu("gpu-a", gale.grpcPort(), "2x24576", "--slots", "4");
            workers.startGpu("gpu-b", gale.grpcPort(), "1x81920", "--slots", "4");
            workers.start("cpu-1", gale.grpcPort(), "--slots", "4");
            awaitWorkers("cpu-1", "gpu-a", "gpu-b");
            assertThat(workers.output("gpu-a")).contains("GPU inventory is DECLARED, not discovered: 2 GPU(s) of 24576 MiB");

            JsonNode listed = json(gale.get("/api/v1/workers").body()).get("workers");
            assertThat(listed).hasSize(3);
            JsonNode gpuA = listed.get(1);
            assertThat(gpuA.get("workerId").asString()).isEqualTo("gpu-a");
            assertThat(gpuA.get("queues").get(0).asString()).isEqualTo("default");
            assertThat(gpuA.get("capabilities").get("gpuCount").asInt()).isEqualTo(2);
            assertThat(gpuA.get("capabilities").get("gpuMemoryMb").asLong()).isEqualTo(24576);
            assertThat(gpuA.get("capabilities").get("gpuModel").asString()).isEqualTo("declared");
            assertThat(gpuA.get("capabilities").get("takesCpuTasks").asBoolean()).isFalse();
            assertThat(gpuA.get("slotsInUse").asInt()).isZero();
            assertThat(gpuA.get("lastHeartbeat").asString()).isNotEmpty();

            String runId = trigger("gpu_routing_for_tests", "{}");
            await().atMost(Duration.ofSeconds(60)).until(() -> !runState("gpu_routing_for_tests", runId)
                    .matches("queued|running"));
            List<Attempt> attempts = attempts("gpu_routing_for_tests", runId);

            List<Attempt> cpu = attempts.stream().filter(a -> a.taskId().equals("cpu")).toList();
            List<Attempt> gpu = attempts.stream().filter(a -> !a.taskId().equals("cpu")).toList();
            assertThat(cpu).hasSize(8).allSatisfy(a -> {
                assertThat(a.workerId()).isEqualTo("cpu-1");
                assertThat(gpusOf(a)).isEqualTo("[]");
            });
            assertThat(gpu).hasSize(13).allSatisfy(a -> assertThat(a.workerId()).isIn("gpu-a", "gpu-b"));
            assertThat(gpu).filteredOn(a -> a.taskId().equals("big_gpu")).singleElement()
                    .satisfies(a -> assertThat(a.workerId()).as("only gpu-b has 40 GB").isEqualTo("gpu-b"));
            // Three failed attempts would hold all three GPUs if a failure leaked its GPU.
            assertThat(gpu).filteredOn(a -> a.state().equals("failed")).hasSize(3)
                    .allSatisfy(a -> assertThat(a.error()).contains("CUDA error: out of memory"));
            assertThat(gpu).filteredOn(a -> a.state().equals("success")).hasSize(10).allSatisfy(a ->
                    assertThat(gpusOf(a)).isIn(a.workerId().equals("gpu-a") ? List.of("[0]", "[1]") : List.of("[0]")));
            assertThat(gpu).filteredOn(a -> a.workerId().equals("gpu-a")).hasSizeGreaterThan(2);
            assertThat(gpu).filteredOn(a -> a.workerId().equals("gpu-b")).hasSizeGreaterThan(1);

            assertThat(maxConcurrent(gpu, "gpu-a")).isEqualTo(2);
            assertThat(maxConcurrent(gpu, "gpu-b")).isEqualTo(1);
            assertThat(overlappingOnSameGpu(gpu, "gpu-a")).as("task code running at once on gpu-a had a GPU each")
                    .isEmpty();
            assertThat(runState("gpu_routing_for_tests", runId)).isEqualTo("failed");
        }
    }

    @Test
    void aGpuTaskWaitsWithAReasonUntilAGpuWorkerConnectsAndItsGpuComesBackAfterTheWorkerIsKilled()
            throws Exception {
        try (WorkerProcesses workers = new WorkerProcesses(dir)) {
            String runId = trigger("one_gpu_task_for_tests", "{\"conf\":{\"seconds\":4}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> task("one_gpu_task_for_tests", runId, "train")
                    .has("waitingReason"));
            assertThat(task("one_gpu_task_for_tests", runId, "train").get("waitingReason").asString()).isEqualTo(
                    "waiting for a worker with 1 GPU on queue 'default'; no GPU worker on queue 'default' is connected");
            assertThat(task("one_gpu_task_for_tests", runId, "train").get("state").asString()).isEqualTo("queued");

            Process doomed = workers.startGpu("gpu-k", gale.grpcPort(), "1x24576");
            // A worker JVM starts slowly on a loaded 2-core machine: be patient, the test asserts no timing.
            await().atMost(Duration.ofSeconds(90)).until(() -> gale.get("/api/v1/dags/one_gpu_task_for_tests/runs/"
                    + runId + "/tasks/train/logs?attempt=1").body().contains("training on GPU(s) [0], attempt 1"));
            assertThat(task("one_gpu_task_for_tests", runId, "train").has("waitingReason")).isFalse();
            doomed.destroyForcibly();
            doomed.waitFor();

            // The same worker comes back at once: the killed attempt is released when the new process registers
            // under its id, or by the 2 s heartbeat timeout if that comes first; then its GPU is free again and
            // the retry runs on it.
            workers.startGpu("gpu-k", gale.grpcPort(), "1x24576");
            await().atMost(Duration.ofSeconds(90)).until(() -> runState("one_gpu_task_for_tests", runId)
                    .equals("success"));
            List<Attempt> attempts = attempts("one_gpu_task_for_tests", runId);
            assertThat(attempts).extracting(Attempt::state).containsExactly("up_for_retry", "success");
            assertThat(attempts.get(0).error()).matches("worker gpu-k restarted while running this attempt"
                    + "|no heartbeat from its worker for 2 s; the worker is presumed dead");
            assertThat(attempts.get(1).workerId()).isEqualTo("gpu-k");
            assertThat(attempts.get(1).output()).isEqualTo("[0]");
        }
    }

    @Test
    void aGpuTaskNoConnectedWorkerCanRunFailsAfterTheGpuWaitTimeoutWithTheReason() throws Exception {
        try (WorkerProcesses workers = new WorkerProcesses(dir)) {
            workers.startGpu("gpu-small", gale.grpcPort(), "1x24576");
            awaitWorkers("gpu-small");
            String runId = trigger("too_big_gpu_for_tests", "{}");
            String reason = "waiting for a worker with 1 GPU of >= 200 GB on queue 'default'; connected GPU workers"
                    + " on queue 'default' offer gpu-small 1 x 24 GB";
            await().atMost(Duration.ofSeconds(10)).until(() -> task("too_big_gpu_for_tests", runId, "huge")
                    .path("waitingReason").asString("").equals(reason));

            await().atMost(Duration.ofSeconds(100)).until(() -> runState("too_big_gpu_for_tests", runId).equals("failed"));
            JsonNode huge = task("too_big_gpu_for_tests", runId, "huge");
            assertThat(huge.get("state").asString()).isEqualTo("failed");
            assertThat(huge.get("error").asString()).isEqualTo("no connected worker could run it for 60 s (the GPU wait"
                    + " timeout): " + reason);
            assertThat(huge.get("attempt").asInt()).as("it never ran").isZero();
        }
    }

    @Test
    void withoutCudaAGpuTaskEmbedsOnTheCpuWithTheSameVectorsOrFailsWithTheReasonAsItsPolicySays() throws Exception {
        assumeTrue(NvidiaSmi.discover().isEmpty(), "on a GPU machine CUDA works, so there is no failure to test");
        try (WorkerProcesses workers = new WorkerProcesses(dir)) {
            workers.startGpu("gpu-e", gale.grpcPort(), "1x24576");
            awaitWorkers("gpu-e");

            String fallbackRun = trigger(TestDagsGpu.EMBED_FALLBACK, "{}");
            await().atMost(Duration.ofSeconds(120)).until(() -> !runState(TestDagsGpu.EMBED_FALLBACK, fallbackRun)
                    .matches("queued|running"));
            assertThat(runState(TestDagsGpu.EMBED_FALLBACK, fallbackRun)).as(() -> "%s%nworker log:%n%s".formatted(
                    taskError(TestDagsGpu.EMBED_FALLBACK, fallbackRun), workerOutput(workers, "gpu-e")))
                    .isEqualTo("success");
            JsonNode vectors = json(gale.get("/api/v1/dags/" + TestDagsGpu.EMBED_FALLBACK + "/runs/" + fallbackRun)
                    .body()).get("result");
            List<float[]> onCpu = LocalEmbeddings.cpu().embedAll(TestDagsGpu.CHUNKS.stream().map(TextSegment::from)
                    .toList()).content().stream().map(Embedding::vector).toList();
            assertThat(vectors).hasSize(2);
            for (int i = 0; i < 2; i++) {
                assertThat(cosine(vectors.get(i), onCpu.get(i))).isGreaterThan(0.9999);
            }
            String log = gale.get("/api/v1/dags/" + TestDagsGpu.EMBED_FALLBACK + "/runs/" + fallbackRun
                    + "/tasks/embed/logs?attempt=1").body();
            assertThat(log).contains("llm: local/all-minilm-l6-v2 runs on the CPU instead of GPU 0 (the task's"
                    + " whenGpuUnavailable is CPU; the vectors are the same, only slower): CUDA could not be"
                    + " initialised on device 0: ");
            JsonNode call = json(gale.get("/api/v1/dags/" + TestDagsGpu.EMBED_FALLBACK + "/runs/" + fallbackRun
                    + "/llm-usage").body()).get("calls").get(0);
            assertThat(call.get("outcome").asString()).isEqualTo("success");
            assertThat(call.get("device").asString()).isEqualTo("cpu");
            assertThat(call.get("choiceReasons").asString())
                    .endsWith("; GPU 0 could not be used, so it ran on the CPU");

            String requiredRun = trigger(TestDagsGpu.EMBED_REQUIRED, "{}");
            await().atMost(Duration.ofSeconds(120)).until(() -> !runState(TestDagsGpu.EMBED_REQUIRED, requiredRun)
                    .matches("queued|running"));
            JsonNode embed = task(TestDagsGpu.EMBED_REQUIRED, requiredRun, "embed");
            assertThat(embed.get("state").asString()).isEqualTo("failed");
            assertThat(embed.get("error").asString()).contains("local/all-minilm-l6-v2 cannot run on GPU 0, and the"
                    + " task's model needs say whenGpuUnavailable(FAIL): CUDA could not be initialised on device 0: ");

            // The worker says why once, however many tasks meet the broken GPU.
            String workerLog = workers.output("gpu-e");
            assertThat(workerLog.split("CUDA could not be initialised on device 0", -1)).hasSize(2);
        }
    }

    private static String taskError(String dagId, String runId) {
        try {
            return task(dagId, runId, "embed").path("error").asString("");
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String workerOutput(WorkerProcesses workers, String workerId) {
        try {
            return workers.output(workerId);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static double cosine(JsonNode a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < b.length; i++) {
            double x = a.get(i).asDouble();
            dot += x * b[i];
            na += x * x;
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static void awaitWorkers(String... ids) {
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            List<String> connected = new ArrayList<>();
            json(gale.get("/api/v1/workers").body()).get("workers").forEach(w -> connected.add(w.get("workerId")
                    .asString()));
            return connected.containsAll(List.of(ids));
        });
    }

    private static String trigger(String dagId, String body) throws Exception {
        return json(gale.post("/api/v1/dags/" + dagId + "/runs", body).body()).get("runId").asString();
    }

    private static String runState(String dagId, String runId) throws Exception {
        return json(gale.get("/api/v1/dags/" + dagId + "/runs/" + runId).body()).get("state").asString();
    }

    private static JsonNode task(String dagId, String runId, String taskId) throws Exception {
        return json(gale.get("/api/v1/dags/" + dagId + "/runs/" + runId + "/tasks/" + taskId).body());
    }

    /** Every attempt of every task instance of the run, with the instance's output or error. */
    private static List<Attempt> attempts(String dagId, String runId) throws Exception {
        String base = "/api/v1/dags/" + dagId + "/runs/" + runId + "/tasks";
        List<Attempt> all = new ArrayList<>();
        for (JsonNode ti : json(gale.get(base + "?limit=1000").body()).get("taskInstances")) {
            String taskId = ti.get("taskId").asString();
            int mapIndex = ti.get("mapIndex").asInt();
            String query = "?mapIndex=" + mapIndex;
            String output = null;
            for (JsonNode x : json(gale.get(base + "/" + taskId + "/xcom" + query).body()).get("entries")) {
                output = x.get("value").toString();
            }
            for (JsonNode a : json(gale.get(base + "/" + taskId + "/attempts" + query).body()).get("attempts")) {
                boolean success = a.get("state").asString().equals("success");
                all.add(new Attempt(taskId, mapIndex, a.get("state").asString(), a.get("workerId").asString(),
                        Instant.parse(a.get("startedAt").asString()), Instant.parse(a.get("endedAt").asString()),
                        success ? output : null, a.path("error").asString("")));
            }
        }
        return all;
    }

    /** The most attempts that ran on {@code workerId} at one moment. */
    private static int maxConcurrent(List<Attempt> attempts, String workerId) {
        List<Attempt> on = attempts.stream().filter(a -> a.workerId().equals(workerId)).toList();
        int max = 0;
        for (Attempt a : on) {
            int running = (int) on.stream().filter(b -> !b.startedAt().isAfter(a.startedAt())
                    && b.endedAt().isAfter(a.startedAt())).count();
            max = Math.max(max, running);
        }
        return max;
    }

    private static String gpusOf(Attempt a) {
        return json(a.output()).get("gpus").toString();
    }

    /**
     * Pairs of successful attempts on {@code workerId} whose task code ran at the same time (as the
     * tasks measured it) on the same GPU.
     */
    private static List<String> overlappingOnSameGpu(List<Attempt> attempts, String workerId) {
        List<JsonNode> on = attempts.stream().filter(a -> a.workerId().equals(workerId) && a.output() != null)
                .map(a -> json(a.output())).toList();
        Map<String, String> clashes = new HashMap<>();
        for (JsonNode a : on) {
            for (JsonNode b : on) {
                if (a != b && a.get("start").asLong() < b.get("end").asLong()
                        && b.get("start").asLong() < a.get("end").asLong() && a.get("gpus").equals(b.get("gpus"))) {
                    clashes.put(a.toString(), b.toString());
                }
            }
        }
        return clashes.entrySet().stream().map(e -> e.getKey() + "/" + e.getValue()).toList();
    }

    private static JsonNode json(String body) {
        return JSON.readTree(body);
    }
}

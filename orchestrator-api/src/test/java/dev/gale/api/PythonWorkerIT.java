package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A DAG of Java and Python tasks against a real server: the Java tasks on the in-process Java worker,
 * the Python task on queue {@code py} on a Python worker process ({@code python3 -m gale_sdk.worker})
 * that speaks the TEI over gRPC.
 */
class PythonWorkerIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static GaleTestServer gale;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        PythonProcesses.interpreter();
        gale = new GaleTestServer(Map.of("gale.heartbeat.interval", "PT0.5S", "gale.scheduler.interval", "PT0.2S"));
    }

    @AfterAll
    static void stop() {
        if (gale != null) {
            gale.close();
        }
    }

    private static JsonNode json(String body) {
        return JSON.readTree(body);
    }

    private static String trigger(Map<String, Object> conf) throws Exception {
        return json(gale.post("/api/v1/dags/" + TestDagsPython.MIXED + "/runs",
                JSON.writeValueAsString(Map.of("conf", conf))).body()).get("runId").asString();
    }

    private static JsonNode run(String runId) throws Exception {
        return json(gale.get("/api/v1/dags/" + TestDagsPython.MIXED + "/runs/" + runId).body());
    }

    private static JsonNode task(String runId, String taskId, String what) throws Exception {
        return json(gale.get("/api/v1/dags/" + TestDagsPython.MIXED + "/runs/" + runId + "/tasks/" + taskId + what)
                .body());
    }

    private static JsonNode awaitEnded(String runId) {
        await().atMost(Duration.ofSeconds(60)).until(() -> !List.of("queued", "running")
                .contains(run(runId).get("state").asString()));
        try {
            return run(runId);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aPythonTaskOnAPythonWorkerReadsJavaOutputAndHandsItsOwnToAJavaTask() throws Exception {
        try (PythonProcesses python = new PythonProcesses(dir)) {
            python.startWorker("py-1", gale.grpcPort(), "--queues", "py");
            await().atMost(Duration.ofSeconds(30)).until(() -> python.output("py-1").contains("connected to"));

            String runId = trigger(Map.of("text", "retrieval augmented generation"));
            JsonNode run = awaitEnded(runId);

            assertThat(run.get("state").asString()).as(run + "\n" + python.output("py-1")).isEqualTo("success");
            assertThat(run.get("result").asString()).isEqualTo("3 words, first RETRIEVAL");
            assertThat(task(runId, "split", "").get("workerId").asString()).isEqualTo("py-1");
            List<String> xcoms = new ArrayList<>();
            task(runId, "split", "/xcom").get("entries").forEach(x -> xcoms.add(x.get("key").asString() + "="
                    + x.get("value")));
            assertThat(xcoms).contains("longest=\"GENERATION\"", "return_value=[\"RETRIEVAL\",\"AUGMENTED\",\"GENERATION\"]");
            List<String> lines = new ArrayList<>();
            task(runId, "split", "/logs").get("lines").forEach(l -> lines.add(l.get("stream").asString() + ": "
                    + l.get("line").asString()));
            assertThat(lines).contains("task: splitting 30 characters in attempt 1", "stderr: INFO splitter: found 3 words");
            assertThat(lines).anyMatch(l -> l.startsWith("stdout: python 3.") && l.endsWith("splits for split"));
        }
    }

    @Test
    void aPythonTaskThatRaisesFailsItsRunWithTheExceptionAsTheError() throws Exception {
        try (PythonProcesses python = new PythonProcesses(dir)) {
            python.startWorker("py-2", gale.grpcPort(), "--queues", "py");
            String runId = trigger(Map.of("text", "boom", "fail", true));

            assertThat(awaitEnded(runId).get("state").asString()).isEqualTo("failed");
            JsonNode attempts = task(runId, "split", "/attempts").get("attempts");
            assertThat(attempts.get(0).get("error").asString()).isEqualTo("ValueError: asked to fail on 'BOOM'");
            assertThat(task(runId, "count", "").get("state").asString()).isEqualTo("upstream_failed");
        }
    }

    @Test
    void twoPythonTasksOfOneDagEachRunInTheirOwnEnvironmentWithTheirOwnVersionOfALibrary() throws Exception {
        try (PythonProcesses python = new PythonProcesses(dir)) {
            python.startWorker("py-envs", gale.grpcPort(), "--queues", "py", "--wheels", python.toyWheels().toString());
            String runId = json(gale.post("/api/v1/dags/" + TestDagsPython.ENVIRONMENTS + "/runs", "{}").body())
                    .get("runId").asString();

            await().atMost(Duration.ofSeconds(120)).until(() -> !List.of("queued", "running").contains(json(
                    gale.get("/api/v1/dags/" + TestDagsPython.ENVIRONMENTS + "/runs/" + runId).body())
                    .get("state").asString()));
            JsonNode run = json(gale.get("/api/v1/dags/" + TestDagsPython.ENVIRONMENTS + "/runs/" + runId).body());

            assertThat(run.get("state").asString()).as(run + "\n" + python.output("py-envs")).isEqualTo("success");
            assertThat(run.get("result").asString()).isEqualTo("old sees galetoy 1.0 and current sees galetoy 2.0");
        }
    }

    @Test
    void aPythonTaskWaitsWithAReasonUntilAWorkerRunsItsKindAndAPythonWorkerNeverTakesAJavaTask() throws Exception {
        String runId = json(gale.post("/api/v1/dags/" + TestDagsPython.LATE + "/runs", "{}").body()).get("runId")
                .asString();
        String tasks = "/api/v1/dags/" + TestDagsPython.LATE + "/runs/" + runId + "/tasks/";
        await().atMost(Duration.ofSeconds(30)).until(() -> json(gale.get(tasks + "shout").body()).has("waitingReason"));
        assertThat(json(gale.get(tasks + "shout").body()).get("waitingReason").asString()).isEqualTo(
                "waiting for a worker that runs python tasks on queue 'late'; no worker on queue 'late' is connected");

        try (PythonProcesses python = new PythonProcesses(dir)) {
            python.startWorker("py-late", gale.grpcPort(), "--queues", "late");
            await().atMost(Duration.ofSeconds(60)).until(() -> json(gale.get(tasks + "shout").body()).get("state")
                    .asString().equals("success"));

            assertThat(json(gale.get(tasks + "shout").body()).has("waitingReason")).isFalse();
            JsonNode java = json(gale.get(tasks + "java_on_late").body());
            assertThat(java.get("state").asString()).isEqualTo("queued");
            assertThat(java.get("attempt").asInt()).isZero();
        }
    }

    private static String nap(Path marker, double seconds) throws Exception {
        return json(gale.post("/api/v1/dags/" + TestDagsPython.NAP + "/runs", JSON.writeValueAsString(Map.of("conf",
                Map.of("markerFile", marker.toString(), "seconds", seconds)))).body()).get("runId").asString();
    }

    private static String napState(String runId) throws Exception {
        return json(gale.get("/api/v1/dags/" + TestDagsPython.NAP + "/runs/" + runId).body()).get("state").asString();
    }

    @Test
    void cancellingTheRunKillsThePythonTaskItsWorkerRuns() throws Exception {
        try (PythonProcesses python = new PythonProcesses(dir)) {
            python.startWorker("py-cancel", gale.grpcPort(), "--queues", "naps");
            Path marker = dir.resolve("cancel-marker");
            String runId = nap(marker, 60);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(marker)
                    && Files.readString(marker).endsWith("\n"));
            long pid = Long.parseLong(Files.readString(marker).strip());

            gale.post("/api/v1/dags/" + TestDagsPython.NAP + "/runs/" + runId + "/cancel", "");

            await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
            assertThat(napState(runId)).isEqualTo("cancelled");
            await().atMost(Duration.ofSeconds(10)).until(() -> python.output("py-cancel").contains(
                    "nap of run " + runId + " was stopped by the server"));
        }
    }

    @Test
    void onSigtermThePythonWorkerTakesNoMoreWorkLetsItsTaskFinishAndExits() throws Exception {
        try (PythonProcesses python = new PythonProcesses(dir)) {
            Process worker = python.startWorker("py-drain", gale.grpcPort(), "--queues", "naps", "--slots", "1");
            Path marker = dir.resolve("drain-marker");
            String runId = nap(marker, 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(marker));

            worker.destroy();
            String later = nap(dir.resolve("later-marker"), 0);

            assertThat(worker.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as(python.output("py-drain")).isTrue();
            assertThat(worker.exitValue()).isZero();
            assertThat(napState(runId)).isEqualTo("success");
            JsonNode untaken = json(gale.get("/api/v1/dags/" + TestDagsPython.NAP + "/runs/" + later + "/tasks/nap")
                    .body());
            assertThat(untaken.get("state").asString()).isEqualTo("queued");
            assertThat(untaken.get("attempt").asInt()).isZero();
            assertThat(python.output("py-drain")).contains("draining: taking no more work", "worker py-drain drained");
            gale.post("/api/v1/dags/" + TestDagsPython.NAP + "/runs/" + later + "/cancel", "");
        }
    }

    @Test
    void aPythonTaskPastItsExecutionTimeoutIsStoppedAndFailed() throws Exception {
        try (PythonProcesses python = new PythonProcesses(dir)) {
            python.startWorker("py-timeout", gale.grpcPort(), "--queues", "naps");
            Path marker = dir.resolve("timeout-marker");
            String runId = json(gale.post("/api/v1/dags/" + TestDagsPython.BOUNDED_NAP + "/runs", JSON.writeValueAsString(
                    Map.of("conf", Map.of("markerFile", marker.toString(), "seconds", 60)))).body()).get("runId").asString();
            String run = "/api/v1/dags/" + TestDagsPython.BOUNDED_NAP + "/runs/" + runId;
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(marker)
                    && Files.readString(marker).endsWith("\n"));
            long pid = Long.parseLong(Files.readString(marker).strip());

            await().atMost(Duration.ofSeconds(30)).until(() -> json(gale.get(run).body()).get("state").asString()
                    .equals("failed"));
            await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
            assertThat(json(gale.get(run + "/tasks/nap").body()).get("error").asString()).contains("execution timeout");
        }
    }
}

package dev.gale.sdk.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.sdk.Dag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.gale.sdk.spec.PythonSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** Child processes (plain python3, and a child JVM with its own classpath) talking JSON lines to their worker. */
class ChildProcessIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TaskIdentity IDENTITY = new TaskIdentity("child_jvm_test", "manual__1", "which_library", -1, 2,
            TaskIdentity.RunDates.NONE);

    /** Stands in for the worker's session: what the child asked for and wrote. */
    private static final class RecordingChannel implements TaskChannel {
        final Map<String, String> xcoms = new ConcurrentHashMap<>();
        final List<String> logs = new CopyOnWriteArrayList<>();
        final List<String> deferrals = new CopyOnWriteArrayList<>();
        volatile String triggerEventsJson = "[]";

        @Override
        public String triggerEventsJson() {
            return triggerEventsJson;
        }

        @Override
        public void defer(String kind, String specJson, long timeoutMs) {
            deferrals.add(kind + " " + specJson + " " + timeoutMs);
        }

        @Override
        public String paramsJson() {
            return "{\"who\":\"Ada\"}";
        }

        @Override
        public String mapItemJson() {
            return "";
        }

        @Override
        public Optional<String> xcom(String taskId, int mapIndex, String key) {
            return taskId.equals("upstream") ? Optional.of("\"extract\"") : Optional.empty();
        }

        @Override
        public void putXCom(String key, String valueJson) {
            xcoms.put(key, valueJson);
        }

        @Override
        public void log(String stream, String line) {
            logs.add(stream + ": " + line);
        }

        @Override
        public String llmCatalogJson() {
            return "{}";
        }

        @Override
        public dev.gale.sdk.LlmAccess.Prepared prepareLlmCall(String callHash) {
            return new dev.gale.sdk.LlmAccess.Prepared(Optional.empty(), 0);
        }

        @Override
        public void recordLlmUsage(dev.gale.sdk.LlmAccess.Call call) {
            logs.add("llm: " + call.model());
        }

        @Override
        public String readAsset(String assetName, int version) {
            return "{\"asset\":\"" + assetName + "\",\"version\":1,\"metadata\":{}}";
        }

        @Override
        public String connectionJson(String connId) {
            return "{\"connId\":\"" + connId + "\",\"type\":\"postgres\",\"password\":\"pw\"}";
        }

        @Override
        public String variable(String key) {
            return "value of " + key;
        }

        @Override
        public int emitAsset(String assetName, String metadataJson) {
            logs.add("emitted " + assetName);
            return 1;
        }

        @Override
        public Optional<String> readAssetAlias(String assetName, String alias) {
            return Optional.empty();
        }

        @Override
        public void moveAssetAlias(String assetName, String alias, int toVersion, int expectedFromVersion,
                                   String reason) {
            logs.add("moved " + alias);
        }
    }

    @Test
    void aPythonProcessSpeaksTheProtocolAndItsOutputAndExitCodeAreKept() throws Exception {
        String script = """
                import json, os, socket, sys
                s = socket.socket(socket.AF_UNIX); s.connect(os.environ["GALE_TASK_SOCKET"]); f = s.makefile("rw")
                def call(req):
                    f.write(json.dumps(req) + "\\n"); f.flush(); return json.loads(f.readline())
                who = call({"op": "get_params"})["value"]["who"]
                up = call({"op": "get_xcom", "task_id": "upstream"})
                missing = call({"op": "get_xcom", "task_id": "nobody"})
                call({"op": "log", "line": "hello " + who})
                call({"op": "put_xcom", "key": "return_value", "value": {"up": up["value"], "found": missing["found"]}})
                print(call({"op": "fly"})["error"])
                print("token" if "GALE_WORKER_SECRET" in os.environ else "no token", os.environ["GALE_ATTEMPT"], file=sys.stderr)
                sys.exit(3)
                """;
        RecordingChannel channel = new RecordingChannel();

        int exitCode = ChildProcess.run(List.of("python3", "-c", script), IDENTITY, channel, JSON);

        assertThat(exitCode).isEqualTo(3);
        assertThat(JSON.readTree(channel.xcoms.get("return_value"))).isEqualTo(
                JSON.readTree("{\"up\":\"extract\",\"found\":false}"));
        assertThat(channel.logs).contains("task: hello Ada", "stderr: no token 2",
                "stdout: unknown op 'fly'; the ops are get_params, get_item, get_xcom, put_xcom, log,"
                        + " llm_catalog, llm_prepare, llm_record, read_asset, emit_asset, move_alias, get_connection, get_variable,"
                        + " get_trigger_events and defer");
    }

    @Test
    void aPythonSdkTaskRunsFromTheBundleInTheEnvironmentItsRequirementsFileNames(@TempDir Path dir) throws Exception {
        String python = System.getenv().getOrDefault("GALE_PYTHON", "python3");
        Path sdk = Path.of("..", "python").toAbsolutePath().normalize();
        Path wheels = Files.createDirectories(dir.resolve("wheels"));
        Process make = new ProcessBuilder(python, "-c", "import sys; from tests.wheels import make_wheel;"
                + " make_wheel(sys.argv[1], 'galetoy', '2.0')", wheels.toString()).directory(sdk.toFile())
                .inheritIO().start();
        assertThat(make.waitFor()).isZero();
        RecordingChannel channel = new RecordingChannel();

        List<String> command = PythonTaskCommand.of(new PythonSpec("gale_sdk_test_tasks:greet", "toy-2.txt", false),
                getClass().getClassLoader(), Files.createDirectories(dir.resolve("task")),
                Map.of("GALE_PYTHON", python, "GALE_PYTHON_HOME", dir.resolve("home").toString(),
                        "GALE_PYTHON_WHEELS", wheels.toString()));
        int exitCode = ChildProcess.run(command, IDENTITY, channel, JSON);

        assertThat(exitCode).as(String.join("\n", channel.logs)).isZero();
        assertThat(channel.xcoms.get("return_value")).isEqualTo("\"Ada, extract, galetoy 2.0\"");
        assertThat(channel.logs).contains("task: greeting in attempt 2");
        assertThat(channel.logs).anyMatch(l -> l.startsWith("stderr: building the environment for"));
    }

    @Test
    void aChildJvmRunsTheTasksJavaCodeWithItsOwnClasspathFirst() throws Exception {
        Path library = Path.of(ChildJvmTestDags.OWN_CLASSPATH, "dev", "gale", "sdk", "runtime");
        Files.createDirectories(library);
        Files.writeString(library.resolve("library-version.txt"), "task's own");
        Dag dag = new ChildJvmTestDags().dags().getFirst();
        RecordingChannel channel = new RecordingChannel();

        List<String> command = ChildJvmCommand.of(List.of(ChildJvmTestDags.OWN_CLASSPATH), List.of(), dag.dagId(),
                "which_library", dag.versionHash());
        int exitCode = ChildProcess.run(command, IDENTITY, channel, JSON);

        assertThat(exitCode).as(String.join("\n", channel.logs)).isEqualTo(0);
        assertThat(channel.xcoms.get("return_value")).isEqualTo("\"task's own after extract\"");
        assertThat(Long.parseLong(channel.xcoms.get("pid"))).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(channel.logs).contains("task: library version task's own for Ada");
    }

    @Test
    void aChildJvmThatDefersTellsItsWorkerAndOnResumeGetsTheEventAtOnce() throws Exception {
        Dag dag = new ChildJvmTestDags().dags().getFirst();
        List<String> command = ChildJvmCommand.of(List.of(ChildJvmTestDags.OWN_CLASSPATH), List.of(), dag.dagId(),
                "waits_in_child", dag.versionHash());
        RecordingChannel first = new RecordingChannel();

        assertThat(ChildProcess.run(command, IDENTITY, first, JSON)).as(String.join("\n", first.logs)).isZero();
        assertThat(first.deferrals).containsExactly("time {\"after\":\"PT1S\"} 0");
        assertThat(first.xcoms).as("no output: the task has not finished").doesNotContainKey("return_value");

        RecordingChannel resumed = new RecordingChannel();
        resumed.triggerEventsJson = "[{\"kind\":\"time\",\"event\":{\"at\":\"2026-12-02T14:00:01Z\"}}]";
        assertThat(ChildProcess.run(command, IDENTITY, resumed, JSON)).as(String.join("\n", resumed.logs)).isZero();
        assertThat(resumed.deferrals).isEmpty();
        assertThat(resumed.xcoms.get("return_value")).isEqualTo("\"resumed at 2026-12-02T14:00:01Z\"");
    }

    @Test
    void aChildJvmRefusesAnotherVersionOfTheDag() throws Exception {
        RecordingChannel channel = new RecordingChannel();

        int exitCode = ChildProcess.run(ChildJvmCommand.of(List.of(), List.of(), "child_jvm_test", "which_library",
                "0123456789abcdef"), IDENTITY, channel, JSON);

        assertThat(exitCode).isEqualTo(2);
        assertThat(channel.logs).anyMatch(l -> l.contains("another version of DAG 'child_jvm_test'"));
    }
}

package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.cli.GaleCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The CLI's client commands against a real server over HTTP, as `./gale dags …` and `./gale runs …` run them:
 * in this JVM, and once as the client jar's own process.
 */
class CliIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of());

    private record Result(int status, String out, String err) {
    }

    /** Runs {@code gale args…} with the test server's URL and admin token, capturing what it prints. */
    private static synchronized Result gale(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", gale.baseUrl(), "--token", gale.adminToken));
        return run(all.toArray(String[]::new));
    }

    private static synchronized Result run(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = GaleCli.commandLine(args[0]);
        cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        try {
            System.setOut(new PrintStream(new ThisThreadOnly(out, stdout), true, StandardCharsets.UTF_8));
            int status = cli.execute(args);
            return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
        }
    }

    /**
     * What the CLI prints on the calling thread goes to {@code captured}; the rest to {@code others}: the test
     * server's worker logs on its own threads to the same {@code System.out} (a cancelled task's last line once
     * landed at the top of a captured table).
     */
    private static final class ThisThreadOnly extends OutputStream {
        private final Thread thread = Thread.currentThread();
        private final OutputStream captured;
        private final OutputStream others;

        ThisThreadOnly(OutputStream captured, OutputStream others) {
            this.captured = captured;
            this.others = others;
        }

        @Override
        public void write(int b) throws IOException {
            (Thread.currentThread() == thread ? captured : others).write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            (Thread.currentThread() == thread ? captured : others).write(b, off, len);
        }
    }

    @Test
    void dagsListAndShowPrintTablesForPeopleAndJsonForScripts() {
        Result table = gale("dags", "list");
        assertThat(table.status()).isZero();
        assertThat(table.out()).startsWith("DAG").contains("hello").contains("Greets someone");

        Result json = gale("dags", "list", "--json", "--tag", "example");
        assertThat(JSON.readTree(json.out()).get("dags").findValuesAsString("dagId"))
                .contains("hello", "mapping_demo").doesNotContain("slow_for_tests");

        Result show = gale("dags", "show", "hello");
        assertThat(show.out()).contains("PARAM").contains("name").contains("greet").contains("result: the output of"
                + " task 'sign'");
    }

    @Test
    void runsTriggerWaitsForTheResultAndListShowAndCancelFindRuns() {
        Result trigger = gale("runs", "trigger", "hello", "--conf", "{\"name\":\"Cli\"}", "--wait", "30s",
                "--note", "from the CLI");
        assertThat(trigger.status()).as(trigger.err()).isZero();
        assertThat(trigger.out()).contains("state   success").contains("HELLO, CLI! (signed, Gale)")
                .contains("note    from the CLI");

        Result json = gale("runs", "trigger", "hello", "--json", "--wait", "PT30S");
        JsonNode run = JSON.readTree(json.out());
        assertThat(run.get("result").asString()).isEqualTo("HELLO, WORLD! (signed, Gale)");
        String runId = run.get("runId").asString();

        assertThat(gale("runs", "list", "--dag", "hello", "--state", "success").out()).contains(runId);
        Result show = gale("runs", "show", "hello", runId);
        assertThat(show.out()).contains("TASK").contains("greet").contains("shout").contains("sign");

        String sleepy = JSON.readTree(gale("runs", "trigger", "sleepy_for_tests", "--json").out())
                .get("runId").asString();
        assertThat(gale("runs", "cancel", "sleepy_for_tests", sleepy).out()).contains("state   cancelled");
        Result again = gale("runs", "cancel", "sleepy_for_tests", sleepy);
        assertThat(again.status()).isEqualTo(2);
        assertThat(again.err()).contains("409").contains("already ended");
    }

    @Test
    void tasksLogsFollowsATaskUntilItEnds() {
        String runId = JSON.readTree(gale("runs", "trigger", "chatty_for_tests", "--json").out())
                .get("runId").asString();

        Result logs = gale("tasks", "logs", "chatty_for_tests", runId, "talk", "--follow");

        assertThat(logs.status()).as(logs.err()).isZero();
        assertThat(logs.out().lines().filter(l -> l.contains("task  line ")).toList()).hasSize(10);
        assertThat(logs.out()).contains("task  line 1\n").contains("task  line 10");
    }

    @Test
    void aRunThatIsStillGoingAtTheDeadlineExitsWithStatus3() {
        Result trigger = gale("runs", "trigger", "slow_for_tests", "--wait", "PT0.1S");

        assertThat(trigger.status()).isEqualTo(3);
        assertThat(trigger.out()).containsPattern("state   (queued|running)");
    }

    @Test
    void withoutATokenTheCliSaysHowToGiveOne() {
        Result result = run("dags", "list", "--url", gale.baseUrl());

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains("401").contains("set --token or GALE_TOKEN");
    }

    @Test
    void badConfIsRefusedBeforeAnythingIsSent() {
        Result result = gale("runs", "trigger", "hello", "--conf", "[1]");

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains("--conf must be a JSON object");
    }

    @Test
    void dagsBackfillWaitsForTheBackfillAndPrintsEachIntervalWithItsRun() {
        Result backfill = gale("dags", "backfill", "cron_demo", "--from", "2026-05-01T00:00:00Z", "--to",
                "2026-05-01T00:02:00Z", "--max-active-runs", "3", "--wait", "60s");

        assertThat(backfill.status()).as(backfill.err()).isZero();
        assertThat(backfill.out()).contains("completed, 3/3 runs done (3 succeeded, 0 failed, 0 running), 0 skipped")
                .contains("LOGICAL DATE").contains("2026-05-01T00:02:00Z").contains("backfill__20260501T000000000Z_");

        Result bad = gale("dags", "backfill", "hello", "--from", "2026-05-01", "--to", "2026-05-02");
        assertThat(bad.status()).isNotZero();
        assertThat(bad.err()).contains("DAG 'hello' has no cron schedule");
    }

    @Test
    void theClientJarRunsAsItsOwnProcessWithoutTheServersLibraries() throws Exception {
        Path jar = WorkerProcesses.packagedJar("cli", "gale-cli.jar");
        try (JarFile client = new JarFile(jar.toFile())) {
            assertThat(client.getManifest().getMainAttributes().getValue("Class-Path")).contains("picocli")
                    .doesNotContain("spring").doesNotContain("gale-");
        }

        Result list = process(jar, "dags", "list", "--url", gale.baseUrl(), "--token", gale.adminToken);
        Result refused = process(jar, "dags", "list", "--url", gale.baseUrl(), "--token", "not-a-token");

        assertThat(list.status()).as(list.err()).isZero();
        assertThat(list.out()).startsWith("DAG").contains("hello");
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.err()).startsWith("gale: 401");
    }

    private static Result process(Path jar, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the client exits").isTrue();
        return new Result(process.exitValue(), out, new String(err.get(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The TEI served over TLS (GALE_GRPC_TLS_CERT/KEY), with real worker processes that verify the server or cannot. */
class TeiTlsIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static TestCertificates certificates;
    private static GaleTestServer gale;

    @TempDir
    static Path keys;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        certificates = TestCertificates.generate(keys);
        gale = new GaleTestServer(Map.of("gale.scheduler.interval", "PT0.2S",
                "gale.grpc.tls.cert", certificates.serverCertificate().toString(),
                "gale.grpc.tls.key", certificates.serverKey().toString()), false);
    }

    @AfterAll
    static void stop() {
        gale.close();
    }

    @Test
    void aWorkerThatPinsTheCaVerifiesTheServerAndRunsATask() throws Exception {
        try (WorkerProcesses workers = new WorkerProcesses(dir)) {
            workers.start("pinned", gale.grpcPort(), "--tls-ca", certificates.ca().toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> workers.output("pinned").contains("connected to"));
            String runId = JSON.readTree(gale.post("/api/v1/dags/clock_for_tests/runs", "{}").body())
                    .get("runId").asString();
            await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(
                    gale.get("/api/v1/dags/clock_for_tests/runs/" + runId).body()).get("state").asString()
                    .equals("success"));
        }
    }

    @Test
    void aWorkerThatCannotVerifyTheServerStopsSayingWhatToFix() throws Exception {
        try (WorkerProcesses workers = new WorkerProcesses(dir)) {
            // Verified against the system trust store, which does not hold the test CA.
            Process worker = workers.start("untrusting", gale.grpcPort(), "--tls");
            assertThat(worker.waitFor(60, TimeUnit.SECONDS)).as(workers.output("untrusting")).isTrue();
            assertThat(worker.exitValue()).isEqualTo(2);
            assertThat(workers.output("untrusting")).contains("cannot verify the TLS certificate of the API server at"
                    + " localhost:" + gale.grpcPort()).contains("--tls-ca FILE").contains("unable to find valid certification path")
                    .doesNotContain("connected to");
        }
    }

    @Test
    void aPlaintextWorkerIsToldTheServerMayServeTls() throws Exception {
        try (WorkerProcesses workers = new WorkerProcesses(dir)) {
            workers.start("plain", gale.grpcPort());
            await().atMost(Duration.ofSeconds(30)).until(() -> workers.output("plain")
                    .contains("if the server serves TLS, start the worker with --tls"));
            assertThat(workers.output("plain")).doesNotContain("connected to");
        }
    }

    @Test
    void aWorkerWithTlsAgainstAPlaintextServerStopsSayingSo() throws Exception {
        try (GaleTestServer plain = new GaleTestServer(Map.of(), false);
             WorkerProcesses workers = new WorkerProcesses(dir)) {
            Process worker = workers.start("hopeful", plain.grpcPort(), "--tls-ca", certificates.ca().toString());
            assertThat(worker.waitFor(60, TimeUnit.SECONDS)).as(workers.output("hopeful")).isTrue();
            assertThat(worker.exitValue()).isEqualTo(2);
            assertThat(workers.output("hopeful")).contains("does not answer TLS").contains("without --tls");
        }
    }
}

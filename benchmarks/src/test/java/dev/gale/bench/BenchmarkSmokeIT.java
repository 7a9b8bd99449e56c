package dev.gale.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The benchmark at tiny sizes, end to end, so that it keeps working; its timings are not checked. */
class BenchmarkSmokeIT {
    @Test
    void runsEveryScenarioAndWritesTheJsonReport(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");

        int exit = new picocli.CommandLine(new BenchCommand()).execute("--runs=1", "--warmups=0", "--fan-size=50",
                "--sync-triggers=5", "--adhoc-runs=10", "--concurrent-chains=2", "--baseline-seconds=1",
                "--output=" + json);

        assertThat(exit).isZero();
        JsonNode report = JsonMapper.builder().build().readTree(Files.readString(json));
        assertThat(report.get("machine").get("postgres").asString()).isNotBlank();
        assertThat(report.get("metrics").valueStream().map(m -> m.get("scenario").asString()).distinct().toList())
                .containsExactly("baseline", "chain40", "chain40x2", "fan50", "sync3", "adhoc10");
        assertThat(report.get("metrics").valueStream()).allSatisfy(m -> {
            assertThat(m.get("runs")).hasSize(1);
            assertThat(m.get("median").asDouble()).isPositive();
        });
    }

    @Test
    void hopsLaysOutEveryStepOfEveryHopOfAChain(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("hops.jfr");

        int exit = new picocli.CommandLine(new BenchCommand()).execute("hops", "--warmups=0", "--runs=1",
                "--jfr=" + jfr);

        assertThat(exit).isZero();
        List<HopTimeline.Hop> hops = HopTimeline.read(jfr).hops();
        assertThat(hops).as("40 tasks in a row make 39 hops").hasSize(39);
        assertThat(hops).allSatisfy(hop -> {
            assertThat(hop.steps()).as("every step found its events").hasSize(HopTimeline.STEPS.size())
                    .doesNotContainNull();
            assertThat(hop.total()).isPositive();
            assertThat(hop.wokenBy()).isNotEqualTo("?");
        });
    }

    @Test
    void cronRunsEveryDagOnceAtItsFireAndTimesIt(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("cron.json");

        int exit = new picocli.CommandLine(new BenchCommand()).execute("cron", "--dags=3", "--fires=1",
                "--lead-seconds=20", "--output=" + json);

        assertThat(exit).isZero();
        JsonNode report = JsonMapper.builder().build().readTree(Files.readString(json));
        assertThat(report.get("fires")).hasSize(1);
        JsonNode fire = report.get("fires").get(0);
        assertThat(fire.get("runs").asInt()).as("one run per DAG").isEqualTo(3);
        assertThat(fire.get("lastCreatedMs").asDouble()).as("created at or after the fire time").isNotNegative();
        assertThat(fire.get("lastEndedMs").asDouble()).isGreaterThan(fire.get("lastCreatedMs").asDouble());
    }

    @Test
    void deferHoldsNoSlotsWhileWaitingAndTimesEachTriggerKind(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("defer.json");

        int exit = new picocli.CommandLine(new BenchCommand()).execute("defer", "--deferred=20", "--waits=3",
                "--asset-waits=1", "--idle-seconds=1", "--output=" + json);

        assertThat(exit).isZero();
        JsonNode report = JsonMapper.builder().build().readTree(Files.readString(json));
        assertThat(report.get("slotsInUseWhileDeferred").asInt()).isZero();
        assertThat(report.get("woken").asInt()).isEqualTo(20);
        assertThat(report.get("latencies").valueStream().map(l -> l.get("trigger").asString() + " x"
                + l.get("waits").asInt()).toList())
                .containsExactly("time (Trigger.at) x3", "external event x3", "asset version x1");
    }

    @Test
    void embedMeasuresTheCpuAndMeasuresTheGpuOrSaysWhyNot(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("embed.json");

        int exit = new picocli.CommandLine(new BenchCommand()).execute("embed", "--chunks=200", "--batch=32",
                "--corpus=../examples/docs", "--copies=1", "--output=" + json);

        assertThat(exit).isZero();
        JsonNode report = JsonMapper.builder().build().readTree(Files.readString(json));
        assertThat(report.get("settings").get("chunks").asInt()).isEqualTo(200);
        JsonNode cpu = report.get("metrics").get(0);
        assertThat(cpu.get("name").asString()).isEqualTo("chunks/s on CPU");
        assertThat(cpu.get("median").asDouble()).isPositive();
        List<String> ingest = report.get("metrics").valueStream().filter(m -> m.get("scenario").asString()
                .equals("ingest")).map(m -> m.get("name").asString()).toList();
        assertThat(ingest).containsExactly("raw ONNX tokens/s", "engine alone tokens/s", "rag_ingest embed tokens/s",
                "rag_ingest run tokens/s", "embed / raw", "chunks windowed");
        assertThat(report.get("metrics").get(4).get("median").asDouble()).isPositive();
        assertThat(report.get("metrics").get(5).get("target").asString()).isEqualTo(">= 0.850 ratio");
        if (report.get("gpuSkipped").isNull()) {
            assertThat(report.get("metrics").get(7).get("name").asString()).isEqualTo("chunks/s on GPU");
        } else {
            assertThat(report.get("metrics")).hasSize(7);
            assertThat(report.get("gpuSkipped").asString()).isNotBlank();
        }
    }
}

package dev.gale.scheduler.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TriggerKindsTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private final TriggerKinds kinds = TriggerKinds.builtIn(name -> name.equals("model://m") ? 3 : 0,
            (name, version) -> Optional.of(Map.of("asset", name, "version", version)),
            (dagId, states, since) -> Optional.empty(), conn -> Optional.empty(), Optional.empty());

    @Test
    void aTimeTriggerAfterADelayIsDueThenAndLookedAtOnlyThen() throws Exception {
        var prepared = kinds.prepare("time", "{\"after\":\"PT2S\"}", NOW);
        assertThat(prepared.specJson()).isEqualTo("{\"at\":\"2026-12-02T12:00:02Z\"}");
        assertThat(prepared.firstCheckAt()).isEqualTo(NOW.plusSeconds(2));
        TriggerKind time = kinds.kind("time").orElseThrow();
        Map<String, Object> spec = Map.of("at", "2026-12-02T12:00:02Z");
        assertThat(time.check(spec, NOW.plusSeconds(1))).isEmpty();
        assertThat(time.check(spec, NOW.plusSeconds(2))).contains(Map.of("at", "2026-12-02T12:00:02Z"));
    }

    @Test
    void aKafkaRecordTriggerIsRefusedWithABadFilterOrWhenTheServerHasNoKafka() {
        assertThatThrownBy(() -> kinds.prepare("kafka_record", "{\"filter\":{\"/a\":1}}", NOW))
                .isInstanceOf(InvalidTriggerException.class)
                .hasMessageContaining("a 'kafka_record' trigger needs \"topic\"");
        assertThatThrownBy(() -> kinds.prepare("kafka_record", "{\"topic\":\"t\",\"filter\":{\"status\":1}}", NOW))
                .hasMessageContaining("must be a JSON pointer such as \"/status\"; got status");
        assertThatThrownBy(() -> kinds.prepare("kafka_record", "{\"topic\":\"t\",\"filter\":[1]}", NOW))
                .hasMessageContaining("\"filter\" of a 'kafka_record' trigger must be a JSON object");
        assertThatThrownBy(() -> kinds.prepare("kafka_record", "{\"topic\":\"t\"}", NOW))
                .hasMessageContaining("needs Kafka, and this server has none: set GALE_KAFKA_BOOTSTRAP");
    }

    @Test
    void specsThatCannotBeEvaluatedAreRefusedNamingTheKindAndTheField() {
        assertThatThrownBy(() -> kinds.prepare("time", "{}", NOW)).isInstanceOf(InvalidTriggerException.class)
                .hasMessageContaining("exactly one of \"at\"");
        assertThatThrownBy(() -> kinds.prepare("time", "{\"after\":\"2 seconds\"}", NOW))
                .hasMessageContaining("\"after\" of a 'time' trigger must be an ISO-8601 duration");
        assertThatThrownBy(() -> kinds.prepare("time", "[1]", NOW)).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> kinds.prepare("http", "{\"url\":\"ftp://x\"}", NOW))
                .hasMessageContaining("must start with http:// or https://");
        assertThatThrownBy(() -> kinds.prepare("http", "{\"url\":\"http://x\",\"interval\":\"PT0.1S\"}", NOW))
                .hasMessageContaining("at least PT1S");
        assertThatThrownBy(() -> kinds.prepare("dag_run_finished", "{\"dagId\":\"d\",\"states\":[\"running\"]}", NOW))
                .hasMessageContaining("run end states");
        assertThatThrownBy(() -> kinds.prepare("file_present", "{\"path\":\"data/*.csv\"}", NOW))
                .hasMessageContaining("must be absolute");
        assertThatThrownBy(() -> kinds.prepare("sql", "{\"conn\":\"wh\",\"query\":\"select true\"}", NOW))
                .hasMessageContaining("Connection 'wh' does not exist");
        assertThatThrownBy(() -> kinds.prepare("external_event", "{\"key\":\"k\",\"timeoutEvent\":\"yes\"}", NOW))
                .hasMessageContaining("\"timeoutEvent\" of a 'external_event' trigger must be a JSON object");
    }

    @Test
    void anAssetTriggerWaitsForAVersionNewerThanTheLatestAtDeferral() throws Exception {
        var prepared = kinds.prepare("asset_version", "{\"asset\":\"model://m\"}", NOW);
        assertThat(prepared.specJson()).contains("\"afterVersion\":3");
        assertThat(prepared.firstCheckAt()).isEqualTo(NOW.plusSeconds(5));
        TriggerKind asset = kinds.kind("asset_version").orElseThrow();
        assertThat(asset.check(Map.of("asset", "model://m", "afterVersion", 3), NOW)).isEmpty();
        assertThat(asset.check(Map.of("asset", "model://m", "afterVersion", 2), NOW))
                .contains(Map.of("asset", "model://m", "version", 3));
    }

    @Test
    void aKindNoSchedulerEvaluatesIsKeptAsGivenAndNeverLookedAt() {
        var prepared = kinds.prepare("human", "{\"subject\":\"Approve?\",\"timeoutEvent\":{\"decision\":\"reject\"}}",
                NOW);
        assertThat(prepared.specJson()).isEqualTo("{\"subject\":\"Approve?\",\"timeoutEvent\":{\"decision\":\"reject\"}}");
        assertThat(prepared.firstCheckAt()).isEqualTo(TriggerKind.NEVER);
        assertThat(TriggerKinds.timeoutEvent(prepared.specJson()))
                .contains("{\"decision\":\"reject\",\"timedOut\":true}");
        assertThat(TriggerKinds.timeoutEvent("{\"key\":\"k\"}")).isEmpty();
    }

    @Test
    void aTimeoutEventSurvivesTheKindsPreparation() {
        var prepared = kinds.prepare("time", "{\"after\":\"PT1H\",\"timeoutEvent\":{\"late\":true}}", NOW);
        assertThat(TriggerKinds.timeoutEvent(prepared.specJson())).contains("{\"late\":true,\"timedOut\":true}");
    }

    @Test
    void aFileTriggerMatchesTheGlobBelowItsDirectoryOnly(@TempDir Path dir) throws Exception {
        TriggerKind file = kinds.kind("file_present").orElseThrow();
        Map<String, Object> spec = Map.of("path", dir + "/in/*.csv", "interval", "PT1S");
        assertThat(file.check(spec, NOW)).as("no directory yet").isEmpty();
        Files.createDirectories(dir.resolve("in/deeper"));
        Files.writeString(dir.resolve("in/deeper/b.csv"), "");
        Files.writeString(dir.resolve("in/a.txt"), "");
        assertThat(file.check(spec, NOW)).isEmpty();
        Files.writeString(dir.resolve("in/a.csv"), "");
        assertThat(file.check(spec, NOW)).contains(Map.of("paths", List.of(dir.resolve("in/a.csv").toString())));
        assertThat(file.check(Map.of("path", dir + "/in/**.csv"), NOW).orElseThrow().get("paths"))
                .asList().hasSize(2);
        assertThat(file.check(Map.of("path", dir + "/in/a.csv"), NOW)).as("a plain path")
                .contains(Map.of("paths", List.of(dir.resolve("in/a.csv").toString())));
    }
}

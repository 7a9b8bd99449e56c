package dev.gale.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TriggerTest {

    @Test
    void theFactoriesSayWhatTheServerEvaluates() {
        assertThat(Trigger.after(Duration.ofSeconds(2))).isEqualTo(new Trigger("time", Map.of("after", "PT2S")));
        assertThat(Trigger.at(Instant.parse("2026-12-02T14:00:00Z")).spec()).containsEntry("at", "2026-12-02T14:00:00Z");
        assertThat(Trigger.dagRunFinished("nightly").spec()).containsEntry("states", List.of("success"));
        assertThat(Trigger.http("http://x/job", "/status", "done", Duration.ofSeconds(10)).spec())
                .containsEntry("pointer", "/status").containsEntry("equals", "done").containsEntry("interval", "PT10S");
        assertThat(Trigger.kafkaRecord("orders", "o-1", Map.of("/status", "paid")))
                .isEqualTo(new Trigger("kafka_record", Map.of("topic", "orders", "filter", Map.of("/status", "paid"),
                        "key", "o-1")));
        assertThatThrownBy(() -> Trigger.kafkaRecord(" ", Map.of())).hasMessageContaining("topic is required");
        assertThat(Trigger.externalEvent("k").withTimeoutEvent(Map.of("decision", "approve")).spec())
                .containsEntry("key", "k").containsEntry("timeoutEvent", Map.of("decision", "approve"));
        assertThatThrownBy(() -> Trigger.filePresent("/in/*.csv", Duration.ZERO))
                .hasMessageContaining("poll interval must be positive");
        assertThatThrownBy(() -> Trigger.of(" ", Map.of())).hasMessageContaining("needs a kind");
    }

    @Test
    void anEventReadsAsAMapAsATypeAndSaysWhetherItTimedOut() {
        record Decision(String decision, boolean timedOut) {
        }
        TriggerEvent event = new TriggerEvent("human", "{\"decision\":\"approve\",\"timedOut\":true}");
        assertThat(event.data()).containsEntry("decision", "approve");
        assertThat(event.as(Decision.class)).isEqualTo(new Decision("approve", true));
        assertThat(event.timedOut()).isTrue();
        assertThat(new TriggerEvent("time", "{\"at\":\"x\"}").timedOut()).isFalse();
    }

    @Test
    void aSensorIsATaskAndABadOneFailsNamingTheDagAndTheSensor() {
        DagBuilder builder = Dag.builder("waits");
        builder.sensor("wait_for_file", Trigger.filePresent("/in/*.csv", Duration.ofSeconds(30)));
        Dag dag = builder.build();
        assertThat(dag.taskSpec("wait_for_file")).isPresent();
        assertThatThrownBy(() -> Dag.builder("waits").sensor("wait_for_file", null))
                .isInstanceOf(DagDefinitionException.class).hasMessageContaining("waits")
                .hasMessageContaining("sensor 'wait_for_file' needs a trigger");
        assertThatThrownBy(() -> Dag.builder("waits").sensor("s", Trigger.externalEvent("k"), Duration.ZERO))
                .isInstanceOf(DagDefinitionException.class).hasMessageContaining("timeout must be positive");
    }
}

package dev.gale.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.sdk.spec.DagSpecJson;
import dev.gale.sdk.spec.KafkaTriggerSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KafkaTriggerTest {

    private static DagBuilder onTopic(KafkaTrigger trigger) {
        DagBuilder dag = Dag.builder("on_events").schedule(trigger);
        dag.task("take", ctx -> EventRecords.of(ctx).size());
        return dag;
    }

    @Test
    void aDagScheduledOnATopicCarriesItsBatchingInItsSerializedSpec() {
        Dag dag = onTopic(Triggers.kafka("support-events").maxRecords(200).maxWait(Duration.ofMillis(750))).build();

        assertThat(dag.spec().schedule().kafka())
                .isEqualTo(new KafkaTriggerSpec("support-events", 200, 750, "support-events.dead-letter"));
        assertThat(dag.spec().schedule().cron()).isNull();
        assertThat(DagSpecJson.fromJson(DagSpecJson.toJson(dag.spec()))).isEqualTo(dag.spec());
    }

    @Test
    void theDefaultsAreFiveHundredRecordsOrOneSecond() {
        KafkaTriggerSpec spec = onTopic(Triggers.kafka("t").deadLetterTopic("t-bad")).build().spec().schedule().kafka();

        assertThat(spec.maxRecords()).isEqualTo(500);
        assertThat(spec.maxWaitMillis()).isEqualTo(1_000);
        assertThat(spec.deadLetterTopic()).isEqualTo("t-bad");
    }

    @Test
    void aBadTriggerFailsAtBuildNamingTheDagAndWhatIsWrong() {
        assertThatThrownBy(() -> onTopic(Triggers.kafka("no spaces allowed")).build())
                .isInstanceOf(DagDefinitionException.class).hasMessageContaining("on_events")
                .hasMessageContaining("not a valid topic name");
        assertThatThrownBy(() -> onTopic(Triggers.kafka("t").maxRecords(0)).build())
                .hasMessageContaining("maxRecords must be between 1 and 100000, got 0");
        assertThatThrownBy(() -> onTopic(Triggers.kafka("t").maxWait(Duration.ZERO)).build())
                .hasMessageContaining("maxWait must be more than 0");
        assertThatThrownBy(() -> onTopic(Triggers.kafka("t").deadLetterTopic("t")).build())
                .hasMessageContaining("must be another topic");
    }
}

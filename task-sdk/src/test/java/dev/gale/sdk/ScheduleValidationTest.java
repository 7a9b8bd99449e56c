package dev.gale.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.sdk.spec.AliasTriggerSpec;
import dev.gale.sdk.spec.DagSpecJson;
import org.junit.jupiter.api.Test;

class ScheduleValidationTest {

    private static DagBuilder scheduled(String cron) {
        DagBuilder dag = Dag.builder("nightly").schedule(cron);
        dag.task("t", ctx -> null);
        return dag;
    }

    @Test
    void aScheduleWithAFieldOutOfRangeFailsAtBuildNamingTheDag() {
        assertThatThrownBy(() -> scheduled("61 * * * *").build())
                .isInstanceOf(DagDefinitionException.class)
                .hasMessageContaining("nightly").hasMessageContaining("'61 * * * *' is not a valid cron expression");
        assertThatThrownBy(() -> scheduled("every day").build())
                .hasMessageContaining("nightly").hasMessageContaining("five fields");
        assertThatThrownBy(() -> scheduled("0 0 1 * 1").build())
                .hasMessageContaining("nightly").hasMessageContaining("both day-of-month and day-of-week");
    }

    @Test
    void fiveFieldExpressionsAndPresetsBuild() {
        for (String cron : new String[] {"30 2 * * 1-5", "*/15 * * * *", "0 9 * * MON", "@daily", "@weekly"}) {
            assertThat(scheduled(cron).build().spec().schedule().cron()).isEqualTo(cron);
        }
    }

    @Test
    void aDagOnAnAliasMoveNamesTheAssetAndAliasAndABadAliasFailsAtBuild() {
        DagBuilder deploy = Dag.builder("deploy").scheduleOnAliasMove("model://churn", "production");
        deploy.task("t", ctx -> null);
        assertThat(deploy.build().spec().schedule().aliasMoves())
                .containsExactly(new AliasTriggerSpec("model://churn", "production"));

        DagBuilder bad = Dag.builder("deploy").scheduleOnAliasMove("model://churn", "Production!");
        bad.task("t", ctx -> null);
        assertThatThrownBy(bad::build).isInstanceOf(DagDefinitionException.class)
                .hasMessageContaining("deploy").hasMessageContaining("'Production!' is not an alias name");
    }

    @Test
    void aScheduleWithoutAliasTriggersSerializesAsBeforeSoItsVersionHashStays() {
        assertThat(DagSpecJson.toJson(scheduled("@daily").build().spec())).doesNotContain("aliasMoves");
    }
}

package dev.gale.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.sdk.spec.DagSpecJson;
import org.junit.jupiter.api.Test;

class DagBuilderTest {

    private static TaskFunction noop() {
        return ctx -> null;
    }

    @Test
    void aChainRecordsUpstreamsAndTheResultTask() {
        DagBuilder d = Dag.builder("chain");
        TaskBuilder a = d.task("a", noop());
        TaskBuilder b = d.task("b", noop());
        TaskBuilder c = d.task("c", noop());
        a.then(b).then(c);
        Dag dag = d.result(c).build();

        assertThat(dag.spec().tasks()).extracting(t -> t.taskId() + "<" + t.upstream())
                .containsExactly("a<[]", "b<[a]", "c<[b]");
        assertThat(dag.spec().resultTaskId()).isEqualTo("c");
        assertThat(dag.taskFunction("b")).isPresent();
        assertThat(dag.taskFunction("zzz")).isEmpty();
    }

    @Test
    void aCycleFailsNamingTheDagAndTheTasksAlongIt() {
        DagBuilder d = Dag.builder("loopy");
        TaskBuilder a = d.task("a", noop());
        TaskBuilder b = d.task("b", noop());
        TaskBuilder c = d.task("c", noop());
        a.then(b).then(c).then(a);

        assertThatThrownBy(d::build)
                .isInstanceOf(DagDefinitionException.class)
                .hasMessageContaining("DAG 'loopy'")
                .hasMessageContaining("cycle")
                .hasMessageContaining("a >> b >> c >> a");
    }

    @Test
    void aDuplicateTaskIdFailsNamingTheTask() {
        DagBuilder d = Dag.builder("dupes");
        d.task("x", noop());
        d.task("x", noop());

        assertThatThrownBy(d::build).hasMessage("DAG 'dupes': task 'x' is declared twice; task ids must be unique");
    }

    @Test
    void anUnknownUpstreamFailsNamingBothTasks() {
        DagBuilder d = Dag.builder("typo");
        d.task("load", noop()).after("extrakt");

        assertThatThrownBy(d::build).hasMessage("DAG 'typo': task 'load' depends on unknown task 'extrakt'");
    }

    @Test
    void aParamDefaultThatBreaksItsOwnSchemaFailsAtBuild() {
        DagBuilder d = Dag.builder("params").param(Param.integer("epochs").defaultValue(0).min(1));
        d.task("train", noop());

        assertThatThrownBy(d::build)
                .hasMessageContaining("DAG 'params'")
                .hasMessageContaining("param 'epochs'")
                .hasMessageContaining("must be at least 1, got 0");
    }

    @Test
    void theVersionHashIsStableForTheSameStructureAndChangesWithIt() {
        Dag first = twoTasks("v", 0);
        Dag same = twoTasks("v", 0);
        Dag moreRetries = twoTasks("v", 3);

        assertThat(first.versionHash()).isEqualTo(same.versionHash()).hasSize(64);
        assertThat(moreRetries.versionHash()).isNotEqualTo(first.versionHash());
        assertThat(DagSpecJson.fromJson(DagSpecJson.toJson(first.spec()))).isEqualTo(first.spec());
    }

    private static Dag twoTasks(String id, int retries) {
        DagBuilder d = Dag.builder(id).param(Param.string("name").defaultValue("world"));
        d.task("a", noop()).then(d.task("b", noop()).retries(retries));
        return d.build();
    }
}

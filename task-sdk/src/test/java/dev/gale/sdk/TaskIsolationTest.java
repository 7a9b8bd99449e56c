package dev.gale.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.sdk.spec.DagSpecJson;
import dev.gale.sdk.spec.IsolationSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskIsolationTest {

    @Test
    void inProcessTasksSerializeAsBeforeSoTheirVersionHashesDoNotChange() {
        DagBuilder dag = Dag.builder("plain");
        dag.task("t", ctx -> 1);

        assertThat(DagSpecJson.toJson(dag.build().spec())).doesNotContain("isolation");
    }

    @Test
    void theIsolationIsPartOfTheVersion() {
        DagBuilder dag = Dag.builder("mixed");
        dag.task("java", ctx -> 1).childJvm("libs/old-jackson.jar");
        dag.command("python", "python3", "embed.py");
        Dag built = dag.build();

        assertThat(built.taskSpec("java").orElseThrow().isolation())
                .isEqualTo(new IsolationSpec("child_jvm", List.of(), List.of("libs/old-jackson.jar")));
        assertThat(built.taskSpec("python").orElseThrow().isolation().command()).containsExactly("python3", "embed.py");
        assertThat(built.taskFunction("python")).isEmpty();
        assertThat(DagSpecJson.fromJson(DagSpecJson.toJson(built.spec()))).isEqualTo(built.spec());
    }

    @Test
    void aCommandTaskNeedsAProgramAndHasNoJavaCodeForAChildJvm() {
        DagBuilder dag = Dag.builder("bad");
        assertThatThrownBy(() -> dag.command("empty")).hasMessageContaining("a command task needs a program to run");
        assertThatThrownBy(() -> dag.command("py", "python3").childJvm())
                .hasMessageContaining("task 'py' runs a command");
    }
}

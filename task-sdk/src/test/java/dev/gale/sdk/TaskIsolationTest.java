package dev.gale.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.sdk.spec.DagSpecJson;
import dev.gale.sdk.spec.IsolationSpec;
import dev.gale.sdk.spec.PythonSpec;
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
                .hasMessageContaining("task 'py' runs a command or a Python function");
    }

    @Test
    void aPythonTaskCarriesItsFunctionAndEnvironmentInTheVersionAndCommandTasksSerializeAsBefore() {
        DagBuilder dag = Dag.builder("python");
        dag.python("split", "splitter:split").requirements("envs/split.txt").systemSitePackages();
        dag.python("plain", "pkg.tasks:embed");
        dag.command("cmd", "echo", "hi");
        Dag built = dag.build();

        IsolationSpec split = built.taskSpec("split").orElseThrow().isolation();
        assertThat(split.python()).isEqualTo(new PythonSpec("splitter:split", "envs/split.txt", true));
        assertThat(IsolationSpec.taskKind(split)).isEqualTo("python");
        assertThat(IsolationSpec.taskKind(built.taskSpec("cmd").orElseThrow().isolation())).isEqualTo("command");
        assertThat(built.taskSpec("plain").orElseThrow().isolation().python().requirements()).isNull();
        assertThat(DagSpecJson.fromJson(DagSpecJson.toJson(built.spec()))).isEqualTo(built.spec());
        assertThat(DagSpecJson.toJson(built.taskSpec("cmd").orElseThrow())).doesNotContain("python");
    }

    @Test
    void aPythonTaskNamesItsFunctionAsModuleColonFunction() {
        DagBuilder dag = Dag.builder("bad_python");
        assertThatThrownBy(() -> dag.python("split", "splitter.split")).hasMessage("task 'split': a Python task names"
                + " its @task function as module:function, e.g. python(\"split\", \"splitter:split\"); got"
                + " 'splitter.split'");
        assertThatThrownBy(() -> dag.task("java", ctx -> 1).requirements("r.txt"))
                .hasMessageContaining("task 'java' is not a Python task");
        assertThatThrownBy(() -> dag.python("py", "m:f").childJvm())
                .hasMessageContaining("runs a command or a Python function");
    }
}

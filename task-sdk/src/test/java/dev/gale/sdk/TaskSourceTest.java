package dev.gale.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.sdk.spec.DagSpecJson;
import dev.gale.sdk.spec.TaskSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each task records the class and line of the DSL call that declared it, whichever DSL call that was. */
class TaskSourceTest {
    private static final String HERE = TaskSourceTest.class.getName();

    /** The line of the statement that calls this, read from a stack trace rather than a StackWalker. */
    private static int line() {
        return new Throwable().getStackTrace()[1].getLineNumber();
    }

    private static String source(Dag dag, String taskId) {
        return dag.spec().tasks().stream().filter(t -> t.taskId().equals(taskId)).findFirst().map(TaskSpec::source)
                .orElseThrow();
    }

    @Test
    void typedTasksAndMapsRecordTheLineOfTheirDeclaringCall() {
        DagBuilder d = Dag.builder("typed_source");
        int greetLine = line(); Task<String> greet = d.task("greet", String.class, ctx -> "Hello");
        int shoutLine = line(); Task<String> shout = d.task("shout", String.class, greet, g -> g + "!");
        int eachLine = line(); d.map("each", Integer.class, d.task("words", new TypeToken<List<String>>() { },
                ctx -> List.of("a")), String::length);
        Dag dag = d.result(shout).build();

        assertThat(source(dag, "greet")).isEqualTo(HERE + ":" + greetLine);
        assertThat(source(dag, "shout")).isEqualTo(HERE + ":" + shoutLine);
        assertThat(source(dag, "each")).isEqualTo(HERE + ":" + eachLine);
        assertThat(source(dag, "words")).isEqualTo(HERE + ":" + eachLine);
    }

    @Test
    void builderTasksGroupsBranchesCommandsAndPythonTasksRecordTheirLineToo() {
        DagBuilder d = Dag.builder("builder_source");
        int startLine = line(); TaskBuilder start = d.task("start", ctx -> null);
        int pickLine = line(); d.branch("pick", ctx -> List.of("embed")).after(start);
        int embedLine = line(); d.command("embed", "python3", "embed.py").after("pick");
        int splitLine = line(); d.python("split", "splitter:split").after(start);
        int loadLine = line(); d.group("etl").task("load", ctx -> null).after(start);
        Dag dag = d.build();

        assertThat(source(dag, "start")).isEqualTo(HERE + ":" + startLine);
        assertThat(source(dag, "pick")).isEqualTo(HERE + ":" + pickLine);
        assertThat(source(dag, "embed")).isEqualTo(HERE + ":" + embedLine);
        assertThat(source(dag, "split")).isEqualTo(HERE + ":" + splitLine);
        assertThat(source(dag, "etl.load")).isEqualTo(HERE + ":" + loadLine);
    }

    @Test
    void theSourceIsInTheJsonButNotInTheVersionHashSoMovingALineMakesNoNewVersion() {
        Dag here = oneTask();
        Dag moved = oneTaskFurtherDown();

        assertThat(source(here, "only")).isNotEqualTo(source(moved, "only"));
        assertThat(DagSpecJson.toJson(here.spec())).contains("\"source\":\"" + source(here, "only") + "\"");
        assertThat(here.versionHash()).isEqualTo(moved.versionHash());
        assertThat(DagSpecJson.fromJson(DagSpecJson.toJson(here.spec()))).isEqualTo(here.spec());
    }

    private static Dag oneTask() {
        DagBuilder d = Dag.builder("moved");
        d.task("only", ctx -> null);
        return d.build();
    }

    private static Dag oneTaskFurtherDown() {
        DagBuilder d = Dag.builder("moved");

        d.task("only", ctx -> null);
        return d.build();
    }
}

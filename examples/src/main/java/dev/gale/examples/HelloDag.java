package dev.gale.examples;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.sdk.TaskBuilder;

/** The smallest real pipeline: three tasks, each passing its output to the next. */
public final class HelloDag {
    private HelloDag() {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("hello")
                .description("Greets someone in three steps: greet >> shout >> sign.")
                .owner("gale")
                .tags("example")
                .param(Param.string("name").defaultValue("world").description("Who to greet"));
        TaskBuilder greet = dag.task("greet", ctx -> "Hello, " + ctx.param("name", String.class));
        TaskBuilder shout = dag.task("shout", ctx -> ctx.input("greet", String.class).toUpperCase() + "!");
        TaskBuilder sign = dag.task("sign", ctx -> ctx.input("shout", String.class) + " (signed, Gale)");
        greet.then(shout).then(sign);
        return dag.result(sign).build();
    }
}

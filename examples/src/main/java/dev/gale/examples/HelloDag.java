package dev.gale.examples;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.sdk.Task;

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
        Task<String> greet = dag.task("greet", String.class, ctx -> "Hello, " + ctx.param("name", String.class));
        Task<String> shout = dag.task("shout", String.class, greet, g -> g.toUpperCase() + "!");
        Task<String> sign = dag.task("sign", String.class, shout, s -> s + " (signed, Gale)");
        return dag.result(sign).build();
    }
}

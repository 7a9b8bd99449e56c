package dev.gale.examples;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.sdk.Task;
import dev.gale.sdk.TriggerRule;
import java.util.List;

/** A branch picks one path by a param; the other path is skipped and the join still runs. */
public final class BranchingDemo {
    private BranchingDemo() {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("branching_demo")
                .description("Routes a number to the even or odd path, then joins.")
                .tags("example")
                .param(Param.integer("number").defaultValue(42).description("The number to classify"));
        var choose = dag.branch("choose", ctx -> ctx.param("number", Integer.class) % 2 == 0
                ? List.of("even") : List.of("odd"));
        Task<String> even = dag.task("even", String.class, ctx -> ctx.param("number", Integer.class) + " is even")
                .after(choose);
        Task<String> odd = dag.task("odd", String.class, ctx -> ctx.param("number", Integer.class) + " is odd")
                .after(choose);
        Task<String> join = dag.task("join", String.class, ctx -> "done: " + ctx.params().get("number"))
                .after(even, odd).triggerRule(TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS);
        return dag.result(join).build();
    }
}

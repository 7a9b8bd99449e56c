package dev.gale.examples;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import java.util.List;
import java.util.stream.IntStream;

/** Maps a task over a list from conf (100 numbers by default), one instance each, then reduces. */
public final class MappingDemo {
    private MappingDemo() {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("mapping_demo")
                .description("Squares each number of a list in its own task instance, then sums the squares.")
                .tags("example")
                .param(Param.array("numbers").defaultValue(IntStream.rangeClosed(1, 100).boxed().toList())
                        .description("The numbers to square"));
        var square = dag.task("square", ctx -> {
            long n = ctx.item(Long.class);
            return n * n;
        }).expandParam("numbers");
        var total = dag.task("sum", ctx -> {
            List<Long> squares = ctx.inputs("square", Long.class);
            return squares.stream().mapToLong(Long::longValue).sum();
        });
        square.then(total);
        return dag.result(total).build();
    }
}

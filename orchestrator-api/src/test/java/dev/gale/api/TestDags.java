package dev.gale.api;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import java.time.Duration;
import java.util.List;

/** DAGs only the API tests need, found through ServiceLoader beside the examples. */
public final class TestDags implements DagBundle {
    @Override
    public List<Dag> dags() {
        DagBuilder slow = Dag.builder("slow_for_tests").description("Sleeps, so a short wait ends before the run.");
        var nap = slow.task("nap", ctx -> {
            Thread.sleep(1_500);
            return "rested";
        });
        DagBuilder chatty = Dag.builder("chatty_for_tests").description("Logs a line every 200 ms for 2 s.");
        chatty.task("talk", ctx -> {
            for (int i = 1; i <= 10; i++) {
                ctx.log("line " + i);
                Thread.sleep(200);
            }
            return "said 10 lines";
        });
        DagBuilder flaky = Dag.builder("flaky_for_tests").description("One task with one retry, run by hand in tests.");
        flaky.task("work", ctx -> "worked").retries(1, Duration.ZERO);
        return List.of(slow.result(nap).build(), chatty.build(), flaky.build());
    }
}

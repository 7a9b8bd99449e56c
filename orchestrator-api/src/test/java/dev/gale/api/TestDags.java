package dev.gale.api;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import java.util.List;

/** DAGs only the API tests need, found through ServiceLoader beside the examples. */
public final class TestDags implements DagBundle {
    @Override
    public List<Dag> dags() {
        DagBuilder slow = Dag.builder("slow_for_tests").description("Sleeps, so a short wait ends before the run.")
                .tags("test", "slow");
        var nap = slow.task("nap", ctx -> {
            Thread.sleep(1_500);
            return "rested";
        });

        DagBuilder sleepy = Dag.builder("sleepy_for_tests").description("Runs long enough to be cancelled.")
                .tags("test", "slow");
        var sleep = sleepy.task("sleep", ctx -> {
            Thread.sleep(10_000);
            return "woke";
        });

        DagBuilder fragile = Dag.builder("fails_first_attempt_for_tests")
                .description("Fails on its first attempt and succeeds once cleared.").tags("test");
        var flaky = fragile.task("flaky", ctx -> {
            if (ctx.attempt() == 1) {
                throw new IllegalStateException("the first attempt always fails");
            }
            return "recovered";
        });
        var after = fragile.task("after", ctx -> ctx.input("flaky", String.class) + " and done");
        flaky.then(after);

        return List.of(slow.result(nap).build(), sleepy.result(sleep).build(), fragile.result(after).build());
    }
}

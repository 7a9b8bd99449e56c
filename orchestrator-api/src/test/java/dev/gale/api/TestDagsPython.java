package dev.gale.api;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.Param;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * DAGs with Python tasks (their functions are in {@code src/test/python/gale_test_tasks.py}) beside
 * Java tasks, for the Python worker's tests.
 */
public final class TestDagsPython implements DagBundle {
    static final String MIXED = "python_mixed_for_tests";
    static final String ENVIRONMENTS = "python_environments_for_tests";
    static final String LATE = "python_late_worker_for_tests";
    static final String NAP = "python_nap_for_tests";
    static final String BOUNDED_NAP = "python_bounded_nap_for_tests";

    @Override
    public List<Dag> dags() {
        DagBuilder mixed = Dag.builder(MIXED).description("A Java task, a Python task on queue py, a Java task.")
                .tags("test", "python")
                .param(Param.string("text").defaultValue("gale runs python"))
                .param(Param.bool("fail").defaultValue(false));
        var prepare = mixed.task("prepare", ctx -> Map.of("text", ctx.param("text", String.class).toUpperCase()));
        var split = mixed.python("split", "gale_test_tasks:split").queue("py");
        var count = mixed.task("count", ctx -> {
            @SuppressWarnings("unchecked")
            List<String> words = ctx.input("split", List.class);
            return words.size() + " words, first " + words.getFirst();
        });
        prepare.then(split).then(count);

        DagBuilder envs = Dag.builder(ENVIRONMENTS).description("Two Python tasks, each in its own environment.")
                .tags("test", "python");
        var old = envs.python("old", "gale_test_tasks:toy_version").queue("py").requirements("toy-1.txt");
        var current = envs.python("current", "gale_test_tasks:toy_version").queue("py").requirements("toy-2.txt");
        var compare = envs.task("compare", ctx -> ctx.input("old", String.class) + " and "
                + ctx.input("current", String.class));
        compare.after(old, current);

        DagBuilder late = Dag.builder(LATE).description("A Python and a Java task on a queue only a Python worker serves.")
                .tags("test", "python");
        late.python("shout", "gale_test_tasks:shout").queue("late");
        late.task("java_on_late", ctx -> "ran").queue("late");

        DagBuilder nap = Dag.builder(NAP).description("A Python task that sleeps, to be cancelled or drained.")
                .tags("test", "python").param(Param.string("markerFile")).param(Param.number("seconds"));
        nap.python("nap", "gale_test_tasks:nap").queue("naps");
        DagBuilder bounded = Dag.builder(BOUNDED_NAP).description("A Python task with an execution timeout.")
                .tags("test", "python").param(Param.string("markerFile")).param(Param.number("seconds"));
        bounded.python("nap", "gale_test_tasks:nap").queue("naps").executionTimeout(Duration.ofSeconds(2));
        return List.of(mixed.result(count).build(), envs.result(compare).build(), late.build(), nap.build(),
                bounded.build());
    }
}

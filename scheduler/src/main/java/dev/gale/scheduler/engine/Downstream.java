package dev.gale.scheduler.engine;

import dev.gale.sdk.spec.DagSpec;
import dev.gale.sdk.spec.TaskSpec;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;

/** The tasks downstream of others in a DAG. */
public final class Downstream {
    private Downstream() {
    }

    /** The tasks {@code seeds} and every task downstream of them, transitively. */
    public static Set<String> withDownstream(DagSpec dag, Set<String> seeds) {
        Set<String> found = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>(seeds);
        while (!pending.isEmpty()) {
            String taskId = pending.poll();
            if (!found.add(taskId)) {
                continue;
            }
            for (TaskSpec task : dag.tasks()) {
                if (task.upstream().contains(taskId)) {
                    pending.add(task.taskId());
                }
            }
        }
        return found;
    }
}

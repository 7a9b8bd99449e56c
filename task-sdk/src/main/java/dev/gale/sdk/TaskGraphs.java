package dev.gale.sdk;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Graph algorithms over task ids, shared by DAG validation and the scheduler. */
public final class TaskGraphs {
    private TaskGraphs() {
    }

    /**
     * Returns one cycle as the list of task ids along it (first id repeated at the end), or an
     * empty list when the graph is acyclic. Iterative, so deep DAGs cannot overflow the stack.
     */
    public static List<String> findCycle(Collection<String> ids, Function<String, Collection<String>> upstreamOf) {
        Map<String, Integer> state = new HashMap<>(); // absent: unvisited, 1: on the path, 2: done
        Map<String, String> parent = new HashMap<>();
        for (String start : ids) {
            if (state.containsKey(start)) {
                continue;
            }
            List<String> stack = new ArrayList<>();
            List<java.util.Iterator<String>> iterators = new ArrayList<>();
            stack.add(start);
            iterators.add(upstreamOf.apply(start).iterator());
            state.put(start, 1);
            while (!stack.isEmpty()) {
                int top = stack.size() - 1;
                String node = stack.get(top);
                java.util.Iterator<String> it = iterators.get(top);
                if (it.hasNext()) {
                    String next = it.next();
                    Integer seen = state.get(next);
                    if (seen == null) {
                        parent.put(next, node);
                        state.put(next, 1);
                        stack.add(next);
                        iterators.add(upstreamOf.apply(next).iterator());
                    } else if (seen == 1) {
                        // Edges point upstream, so reverse the path to read it in execution order.
                        List<String> cycle = new ArrayList<>();
                        cycle.add(next);
                        for (String n = node; !n.equals(next); n = parent.get(n)) {
                            cycle.add(n);
                        }
                        cycle.add(next);
                        return cycle;
                    }
                } else {
                    state.put(node, 2);
                    stack.remove(top);
                    iterators.remove(top);
                }
            }
        }
        return List.of();
    }
}

package dev.gale.scheduler.engine;

import dev.gale.sdk.TriggerRule;
import dev.gale.sdk.spec.DagSpec;
import dev.gale.sdk.spec.TaskSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scheduler's core decision, a pure function: given a run's snapshot, which task instances
 * become queued, skipped or upstream_failed, and what state the run is in afterwards. Another class
 * applies the decision; this one does no I/O.
 */
public final class RunDecider {
    private RunDecider() {
    }

    public static Decision decide(RunSnapshot snapshot) {
        DagSpec dag = snapshot.dag();
        if (snapshot.runState().isFinished()) {
            return new Decision(List.of(), snapshot.runState());
        }
        Map<String, TaskInstanceState> states = new HashMap<>(snapshot.taskStates());
        List<Decision.TaskTransition> transitions = new ArrayList<>();
        // Topological order lets skips and upstream failures flow down the whole graph in one pass.
        for (TaskSpec task : topologicalOrder(dag)) {
            TaskInstanceState current = states.get(task.taskId());
            if (current != TaskInstanceState.NONE) {
                continue;
            }
            UpstreamStates upstream = UpstreamStates.of(task.upstream().stream().map(states::get).toList());
            TaskInstanceState next = switch (TriggerRuleEvaluator.evaluate(
                    TriggerRule.fromWireName(task.triggerRule()), upstream)) {
                case RUN -> TaskInstanceState.QUEUED;
                case SKIP -> TaskInstanceState.SKIPPED;
                case UPSTREAM_FAILED -> TaskInstanceState.UPSTREAM_FAILED;
                case WAIT -> null;
            };
            if (next != null) {
                states.put(task.taskId(), next);
                transitions.add(new Decision.TaskTransition(task.taskId(), current, next));
            }
        }
        return new Decision(transitions, runState(dag, snapshot.runState(), states));
    }

    private static DagRunState runState(DagSpec dag, DagRunState current, Map<String, TaskInstanceState> states) {
        boolean allFinished = states.values().stream().allMatch(TaskInstanceState::isFinished);
        if (!allFinished) {
            return DagRunState.RUNNING;
        }
        Set<String> hasDownstream = new HashSet<>();
        dag.tasks().forEach(t -> hasDownstream.addAll(t.upstream()));
        boolean leafFailed = dag.tasks().stream()
                .filter(t -> !hasDownstream.contains(t.taskId()))
                .map(t -> states.get(t.taskId()))
                .anyMatch(s -> s == TaskInstanceState.FAILED || s == TaskInstanceState.UPSTREAM_FAILED);
        return leafFailed ? DagRunState.FAILED : DagRunState.SUCCESS;
    }

    static List<TaskSpec> topologicalOrder(DagSpec dag) {
        Map<String, TaskSpec> byId = new HashMap<>();
        dag.tasks().forEach(t -> byId.put(t.taskId(), t));
        List<TaskSpec> order = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        for (TaskSpec task : dag.tasks()) {
            visit(task, byId, visited, order);
        }
        return order;
    }

    private static void visit(TaskSpec task, Map<String, TaskSpec> byId, Set<String> visited, List<TaskSpec> order) {
        // DAGs were checked for cycles when built, so a plain DFS terminates.
        if (!visited.add(task.taskId())) {
            return;
        }
        for (String up : task.upstream()) {
            visit(byId.get(up), byId, visited, order);
        }
        order.add(task);
    }
}

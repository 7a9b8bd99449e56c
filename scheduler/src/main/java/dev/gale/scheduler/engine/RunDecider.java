package dev.gale.scheduler.engine;

import dev.gale.sdk.TriggerRule;
import dev.gale.sdk.spec.DagSpec;
import dev.gale.sdk.spec.TaskSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scheduler's core decision, a pure function: given a run's snapshot, which waiting tasks become
 * ready (queued, or scheduled when a pool or DAG limit applies), skipped or upstream_failed, which
 * mapped tasks expand, and what state the run is in afterwards. Another class applies the decision;
 * this one does no I/O.
 */
public final class RunDecider {
    /** Rules whose outcome one more successful upstream instance cannot change until all are done. */
    private static final Set<TriggerRule> WAIT_FOR_ALL_ON_SUCCESS = EnumSet.of(TriggerRule.ALL_SUCCESS,
            TriggerRule.ALL_DONE, TriggerRule.NONE_FAILED, TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS,
            TriggerRule.NONE_SKIPPED);

    private static final TaskLifecycle LIFECYCLE = new TaskLifecycle();

    private RunDecider() {
    }

    /** The lifecycle event by which the trigger rules' verdict reaches a waiting instance. */
    private static LifecycleEvent upstreamEvent(TaskInstanceState verdict) {
        return switch (verdict) {
            case QUEUED -> LifecycleEvent.UPSTREAM_MET;
            case SCHEDULED -> LifecycleEvent.UPSTREAM_MET_LIMITED;
            case SKIPPED -> LifecycleEvent.UPSTREAM_SKIPPED;
            case UPSTREAM_FAILED -> LifecycleEvent.UPSTREAM_FAILED;
            default -> throw new IllegalStateException("the trigger rules gave a waiting task " + verdict);
        };
    }

    public static Decision decide(RunSnapshot snapshot) {
        DagSpec dag = snapshot.dag();
        if (snapshot.runState().isFinished()) {
            return new Decision(List.of(), List.of(), snapshot.runState());
        }
        Map<String, TaskStates> states = new HashMap<>(snapshot.tasks());
        List<Decision.TaskTransition> transitions = new ArrayList<>();
        List<String> expand = new ArrayList<>();
        // Topological order lets skips and upstream failures flow down the whole graph in one pass.
        for (TaskSpec task : topologicalOrder(dag)) {
            TaskStates current = states.get(task.taskId());
            if (current == null || !current.waiting()) {
                continue;
            }
            TaskInstanceState next = nextState(task, dag, states, snapshot.branchChoices());
            if (next == null) {
                continue;
            }
            if (task.expand() != null && isReady(next)) {
                // The store learns the list, then creates the instances; until then the task waits.
                expand.add(task.taskId());
                continue;
            }
            next = LIFECYCLE.decide(new TaskLifecycle.Snapshot(TaskInstanceState.NONE, 1, 1), upstreamEvent(next),
                    java.time.Instant.EPOCH).orElseThrow().to();
            states.put(task.taskId(), TaskStates.of(next));
            transitions.add(new Decision.TaskTransition(task.taskId(), next));
        }
        return new Decision(transitions, expand, runState(dag, states, expand.isEmpty()));
    }

    /**
     * Whether completing one instance of a mapped task can leave the run's decision unchanged, so the
     * store may skip loading the run: true when other instances of the task are still unfinished, the
     * instance succeeded, and every direct downstream task waits for all its upstream on success.
     */
    public static boolean decisionUnchanged(DagSpec dag, String taskId, TaskInstanceState newState,
                                            boolean siblingsUnfinished) {
        if (!siblingsUnfinished || newState != TaskInstanceState.SUCCESS) {
            return false;
        }
        return dag.tasks().stream().filter(t -> t.upstream().contains(taskId))
                .allMatch(t -> WAIT_FOR_ALL_ON_SUCCESS.contains(TriggerRule.fromWireName(t.triggerRule())));
    }

    private static TaskInstanceState nextState(TaskSpec task, DagSpec dag, Map<String, TaskStates> states,
                                               Map<String, List<String>> branchChoices) {
        for (String up : task.upstream()) {
            List<String> chosen = branchChoices.get(up);
            if (chosen != null && !chosen.contains(task.taskId())) {
                return TaskInstanceState.SKIPPED;
            }
        }
        UpstreamStates upstream = UpstreamStates.sum(task.upstream().stream().map(states::get).toList());
        return switch (TriggerRuleEvaluator.evaluate(TriggerRule.fromWireName(task.triggerRule()), upstream)) {
            case RUN -> isLimited(task, dag) ? TaskInstanceState.SCHEDULED : TaskInstanceState.QUEUED;
            case SKIP -> TaskInstanceState.SKIPPED;
            case UPSTREAM_FAILED -> TaskInstanceState.UPSTREAM_FAILED;
            case WAIT -> null;
        };
    }

    /** Tasks under a pool or a DAG-wide task limit wait in {@code scheduled} for a free slot. */
    public static boolean isLimited(TaskSpec task, DagSpec dag) {
        return task.pool() != null || dag.maxActiveTasks() != null;
    }

    private static boolean isReady(TaskInstanceState state) {
        return state == TaskInstanceState.QUEUED || state == TaskInstanceState.SCHEDULED;
    }

    private static DagRunState runState(DagSpec dag, Map<String, TaskStates> states, boolean nothingToExpand) {
        boolean allFinished = nothingToExpand && states.values().stream().allMatch(TaskStates::allFinished);
        if (!allFinished) {
            return DagRunState.RUNNING;
        }
        Set<String> hasDownstream = new HashSet<>();
        dag.tasks().forEach(t -> hasDownstream.addAll(t.upstream()));
        boolean leafFailed = dag.tasks().stream()
                .filter(t -> !hasDownstream.contains(t.taskId()))
                .map(t -> states.get(t.taskId()))
                .anyMatch(s -> s.count(TaskInstanceState.FAILED) + s.count(TaskInstanceState.UPSTREAM_FAILED) > 0);
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

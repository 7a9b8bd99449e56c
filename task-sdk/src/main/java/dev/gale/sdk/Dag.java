package dev.gale.sdk;

import dev.gale.sdk.spec.DagSpec;
import dev.gale.sdk.spec.DagSpecJson;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A validated DAG: its tasks with their code, and its serialized {@link DagSpec}. Declare one with
 * {@link #builder(String)}.
 */
public final class Dag {
    private final String dagId;
    private final Map<String, TaskBuilder> tasks;
    private final DagSpec spec;
    private final String versionHash;
    private final RunCallbacks runCallbacks;

    Dag(DagSpec spec, Map<String, TaskBuilder> tasks, RunCallbacks runCallbacks) {
        this.runCallbacks = runCallbacks;
        this.dagId = spec.dagId();
        this.tasks = Map.copyOf(tasks);
        this.spec = spec;
        this.versionHash = DagSpecJson.hash(spec);
    }

    public static DagBuilder builder(String dagId) {
        return new DagBuilder(dagId);
    }

    public String dagId() {
        return dagId;
    }

    public DagSpec spec() {
        return spec;
    }

    /** Identifies this DAG's structure: a run pinned to another hash must not run this code. */
    public String versionHash() {
        return versionHash;
    }

    /** The serialized form of a task, if the DAG declares it. */
    public Optional<dev.gale.sdk.spec.TaskSpec> taskSpec(String taskId) {
        return spec.tasks().stream().filter(t -> t.taskId().equals(taskId)).findFirst();
    }

    /** The callbacks the DAG declared for its runs' success, failure and missed deadline. */
    public RunCallbacks runCallbacks() {
        return runCallbacks;
    }

    /** The callbacks a task declared; {@link TaskCallbacks#NONE} for a task without, or one the DAG lacks. */
    public TaskCallbacks taskCallbacks(String taskId) {
        TaskBuilder task = tasks.get(taskId);
        return task == null ? TaskCallbacks.NONE : task.callbacks();
    }

    /**
     * The code of a task, if the DAG declares it and it is not a command task. A branch task's code
     * checks that it names only direct downstream tasks, so that a typo fails the task instead of
     * skipping everything.
     */
    public Optional<TaskFunction> taskFunction(String taskId) {
        TaskBuilder task = tasks.get(taskId);
        if (task == null) {
            return Optional.empty();
        }
        if (!task.isBranch()) {
            return Optional.ofNullable(task.function());
        }
        Set<String> downstream = spec.tasks().stream().filter(t -> t.upstream().contains(taskId))
                .map(dev.gale.sdk.spec.TaskSpec::taskId).collect(Collectors.toCollection(TreeSet::new));
        return Optional.of(ctx -> {
            Object chosen = task.function().run(ctx);
            // An approval's output is its decision, which carries the tasks it follows.
            List<?> ids = chosen instanceof HumanDecision decision ? decision.follow() : (List<?>) chosen;
            for (Object id : ids) {
                if (!downstream.contains(String.valueOf(id))) {
                    throw new IllegalArgumentException("branch task '" + taskId + "' chose '" + id
                            + "', which is not one of its direct downstream tasks " + downstream);
                }
            }
            return chosen;
        });
    }
}

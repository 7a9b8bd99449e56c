package dev.gale.sdk;

import dev.gale.sdk.spec.DagSpec;
import dev.gale.sdk.spec.DagSpecJson;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated DAG: its tasks with their code, and its serialized {@link DagSpec}. Declare one with
 * {@link #builder(String)}.
 */
public final class Dag {
    private final String dagId;
    private final List<Param> params;
    private final Map<String, TaskBuilder> tasks;
    private final DagSpec spec;
    private final String versionHash;

    Dag(String dagId, String description, String owner, List<String> tags, List<Param> params,
        Map<String, TaskBuilder> tasks, String resultTaskId) {
        this.dagId = dagId;
        this.params = params;
        this.tasks = Map.copyOf(tasks);
        this.spec = new DagSpec(dagId, description, owner, tags,
                params.stream().map(Param::toSpec).toList(),
                tasks.values().stream().map(TaskBuilder::toSpec)
                        .sorted(java.util.Comparator.comparing(dev.gale.sdk.spec.TaskSpec::taskId)).toList(),
                resultTaskId);
        this.versionHash = DagSpecJson.hash(spec);
    }

    public static DagBuilder builder(String dagId) {
        return new DagBuilder(dagId);
    }

    public String dagId() {
        return dagId;
    }

    public List<Param> params() {
        return params;
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

    /** The code of a task, if the DAG declares it and it is not a command task. */
    public Optional<TaskFunction> taskFunction(String taskId) {
        return Optional.ofNullable(tasks.get(taskId)).map(TaskBuilder::function);
    }
}

package dev.gale.sdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/** Declares a DAG. Obtain one from {@link Dag#builder(String)}; {@link #build()} validates it. */
public final class DagBuilder {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,250}");

    private final String dagId;
    private String description = "";
    private String owner = "";
    private final Set<String> tags = new LinkedHashSet<>();
    private final List<Param> params = new ArrayList<>();
    private final List<TaskBuilder> tasks = new ArrayList<>();
    private String resultTaskId;

    DagBuilder(String dagId) {
        this.dagId = Objects.requireNonNull(dagId, "dag id");
    }

    public DagBuilder description(String text) {
        this.description = Objects.requireNonNull(text);
        return this;
    }

    public DagBuilder owner(String name) {
        this.owner = Objects.requireNonNull(name);
        return this;
    }

    public DagBuilder tags(String... names) {
        tags.addAll(List.of(names));
        return this;
    }

    public DagBuilder param(Param param) {
        params.add(Objects.requireNonNull(param));
        return this;
    }

    /** Declares a task; configure it and its dependencies through the returned builder. */
    public TaskBuilder task(String taskId, TaskFunction function) {
        TaskBuilder task = new TaskBuilder(taskId, function);
        tasks.add(task);
        return task;
    }

    /**
     * Declares a task that runs {@code command} (program and arguments, in any language) as a child
     * process of the worker, e.g. {@code command("embed", "python3", "embed.py")}. Exit code 0 is
     * success; stdout and stderr become the task log. The process reads params and XComs and
     * writes its output through the JSON-lines protocol on the socket named by the
     * {@code GALE_TASK_SOCKET} environment variable (see the task SDK's README).
     */
    public TaskBuilder command(String taskId, String... command) {
        TaskBuilder task = TaskBuilder.command(taskId, List.of(command));
        tasks.add(task);
        return task;
    }

    /** The task whose output is the run's result, returned by the synchronous API. */
    public DagBuilder result(TaskBuilder task) {
        this.resultTaskId = task.id();
        return this;
    }

    public Dag build() {
        if (!ID.matcher(dagId).matches()) {
            throw new DagDefinitionException(dagId, "the DAG id must be 1 to 250 letters, digits, '_', '.' or '-'");
        }
        if (tasks.isEmpty()) {
            throw new DagDefinitionException(dagId, "it declares no task; add one with task(id, function)");
        }
        Map<String, TaskBuilder> byId = new LinkedHashMap<>();
        for (TaskBuilder task : tasks) {
            if (!ID.matcher(task.id()).matches()) {
                throw new DagDefinitionException(dagId, "task '" + task.id()
                        + "': a task id must be 1 to 250 letters, digits, '_', '.' or '-'");
            }
            if (byId.putIfAbsent(task.id(), task) != null) {
                throw new DagDefinitionException(dagId, "task '" + task.id() + "' is declared twice; task ids must be unique");
            }
        }
        for (TaskBuilder task : tasks) {
            for (String upstreamId : task.upstream()) {
                if (!byId.containsKey(upstreamId)) {
                    throw new DagDefinitionException(dagId, "task '" + task.id() + "' depends on unknown task '"
                            + upstreamId + "'");
                }
            }
        }
        List<String> cycle = TaskGraphs.findCycle(byId.keySet(), id -> byId.get(id).upstream());
        if (!cycle.isEmpty()) {
            throw new DagDefinitionException(dagId, "tasks form a cycle: " + String.join(" >> ", cycle));
        }
        if (resultTaskId != null && !byId.containsKey(resultTaskId)) {
            throw new DagDefinitionException(dagId, "the result names unknown task '" + resultTaskId + "'");
        }
        validateParams();
        return new Dag(dagId, description, owner, List.copyOf(tags), List.copyOf(params), byId, resultTaskId);
    }

    private void validateParams() {
        Set<String> names = new LinkedHashSet<>();
        for (Param param : params) {
            if (!names.add(param.name())) {
                throw new DagDefinitionException(dagId, "param '" + param.name() + "' is declared twice");
            }
            if (param.defaultValue() != null) {
                List<String> problems = ParamValidator.check(param.toSpec(), param.defaultValue());
                if (!problems.isEmpty()) {
                    throw new DagDefinitionException(dagId, "the default of param '" + param.name()
                            + "' breaks its own schema: " + String.join("; ", problems));
                }
            }
        }
    }
}

package dev.gale.sdk;

import java.util.ArrayList;
import java.util.List;

/**
 * Tasks declared together under a prefix: a task {@code load} in group {@code etl} has the id
 * {@code etl.load}. A group can be wired as one unit: {@link #after} makes its first tasks wait, and
 * {@link #then} makes a task wait for its last ones.
 */
public final class TaskGroup {
    private final String groupId;
    private final DagBuilder dag;
    private final List<TaskBuilder> tasks = new ArrayList<>();

    TaskGroup(String groupId, DagBuilder dag) {
        this.groupId = groupId;
        this.dag = dag;
    }

    public String id() {
        return groupId;
    }

    public TaskBuilder task(String taskId, TaskFunction function) {
        TaskBuilder task = dag.task(groupId + "." + taskId, function);
        tasks.add(task);
        return task;
    }

    /** Makes the group's first tasks (those with no upstream inside the group) run after {@code upstream}. */
    public TaskGroup after(TaskBuilder... upstream) {
        for (TaskBuilder task : tasks) {
            if (task.upstream().stream().noneMatch(this::contains)) {
                task.after(upstream);
            }
        }
        return this;
    }

    /** Makes {@code next} run after the group's last tasks (those nothing inside the group waits for). */
    public TaskBuilder then(TaskBuilder next) {
        for (TaskBuilder task : tasks) {
            boolean last = tasks.stream().noneMatch(other -> other.upstream().contains(task.id()));
            if (last) {
                next.after(task);
            }
        }
        return next;
    }

    private boolean contains(String taskId) {
        return tasks.stream().anyMatch(t -> t.id().equals(taskId));
    }
}

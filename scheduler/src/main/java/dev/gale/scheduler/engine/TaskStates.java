package dev.gale.scheduler.engine;

import java.util.EnumMap;
import java.util.Map;

/** How many instances of one task are in each state: one for a plain task, one per element for a mapped one. */
public record TaskStates(Map<TaskInstanceState, Integer> counts) {

    public TaskStates {
        EnumMap<TaskInstanceState, Integer> copy = new EnumMap<>(TaskInstanceState.class);
        counts.forEach((state, n) -> {
            if (n > 0) {
                copy.put(state, n);
            }
        });
        counts = java.util.Collections.unmodifiableMap(copy);
    }

    /** A single instance in {@code state}. */
    public static TaskStates of(TaskInstanceState state) {
        return new TaskStates(Map.of(state, 1));
    }

    public int count(TaskInstanceState state) {
        return counts.getOrDefault(state, 0);
    }

    public int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    public boolean allFinished() {
        return counts.keySet().stream().allMatch(TaskInstanceState::isFinished);
    }

    /** Whether an instance waits for its dependencies: a plain task not yet started, or a mapped task not yet expanded. */
    public boolean waiting() {
        return count(TaskInstanceState.NONE) > 0;
    }
}

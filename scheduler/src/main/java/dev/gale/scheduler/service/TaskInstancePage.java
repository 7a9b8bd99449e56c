package dev.gale.scheduler.service;

import java.util.List;

/** One page of a run's task instances and how many there are in all. */
public record TaskInstancePage(List<TaskInstanceView> taskInstances, int totalEntries) {
    public TaskInstancePage {
        taskInstances = List.copyOf(taskInstances);
    }
}

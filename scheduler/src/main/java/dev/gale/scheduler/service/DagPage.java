package dev.gale.scheduler.service;

import java.util.List;

/** One page of DAGs and how many match the filter in all. */
public record DagPage(List<DagSummary> dags, int totalEntries) {
    public DagPage {
        dags = List.copyOf(dags);
    }
}

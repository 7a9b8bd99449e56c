package dev.gale.scheduler.service;

import java.util.List;

/** One page of runs, and the cursor of the next page (null on the last page). */
public record RunPage(List<DagRunView> runs, RunCursor next) {
    public RunPage {
        runs = List.copyOf(runs);
    }
}

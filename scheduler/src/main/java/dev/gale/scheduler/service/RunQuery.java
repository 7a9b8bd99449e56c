package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.DagRunState;
import java.time.Instant;
import java.util.List;

/**
 * Which runs to list, newest first. Empty lists and null bounds mean "any"; {@code after} is the
 * cursor of the last run of the previous page.
 */
public record RunQuery(List<String> dagIds, List<DagRunState> states, List<String> runTypes, Instant queuedFrom,
                       Instant queuedTo, RunCursor after, int limit) {
    public RunQuery {
        dagIds = List.copyOf(dagIds);
        states = List.copyOf(states);
        runTypes = List.copyOf(runTypes);
    }
}

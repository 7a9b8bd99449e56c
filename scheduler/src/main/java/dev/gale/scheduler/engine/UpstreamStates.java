package dev.gale.scheduler.engine;

import java.util.Collection;

/** Counts of a task instance's direct upstream instances by outcome: what trigger rules read. */
public record UpstreamStates(int total, int success, int failed, int upstreamFailed, int skipped, int removed) {

    public static UpstreamStates of(Collection<TaskInstanceState> states) {
        int success = 0;
        int failed = 0;
        int upstreamFailed = 0;
        int skipped = 0;
        int removed = 0;
        for (TaskInstanceState state : states) {
            switch (state) {
                case SUCCESS -> success++;
                case FAILED -> failed++;
                case UPSTREAM_FAILED -> upstreamFailed++;
                case SKIPPED -> skipped++;
                case REMOVED -> removed++;
                default -> {
                    // still to finish
                }
            }
        }
        return new UpstreamStates(states.size(), success, failed, upstreamFailed, skipped, removed);
    }

    public int done() {
        return success + failed + upstreamFailed + skipped + removed;
    }

    public boolean allDone() {
        return done() >= total;
    }
}

package dev.gale.scheduler.engine;

import java.util.Collection;

/**
 * Counts of a task instance's upstream instances by outcome: what trigger rules read. A mapped
 * upstream task counts once per instance, as in Airflow.
 */
public record UpstreamStates(int total, int success, int failed, int upstreamFailed, int skipped, int removed) {

    public static UpstreamStates of(Collection<TaskInstanceState> states) {
        return sum(states.stream().map(TaskStates::of).toList());
    }

    public static UpstreamStates sum(Collection<TaskStates> upstream) {
        int total = 0;
        int success = 0;
        int failed = 0;
        int upstreamFailed = 0;
        int skipped = 0;
        int removed = 0;
        for (TaskStates states : upstream) {
            total += states.total();
            success += states.count(TaskInstanceState.SUCCESS);
            failed += states.count(TaskInstanceState.FAILED);
            upstreamFailed += states.count(TaskInstanceState.UPSTREAM_FAILED);
            skipped += states.count(TaskInstanceState.SKIPPED);
            removed += states.count(TaskInstanceState.REMOVED);
        }
        return new UpstreamStates(total, success, failed, upstreamFailed, skipped, removed);
    }

    public int done() {
        return success + failed + upstreamFailed + skipped + removed;
    }

    public boolean allDone() {
        return done() >= total;
    }
}

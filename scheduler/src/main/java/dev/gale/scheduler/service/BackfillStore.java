package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.DagRunState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The persistence of backfills. */
public interface BackfillStore {
    BackfillView create(NewBackfill backfill);

    Optional<BackfillView> find(String dagId, long id);

    /** The DAG's backfills, newest first. */
    List<BackfillView> list(String dagId, int limit);

    List<BackfillEntryView> entries(long id);

    /** The state of the latest run (by queue time) of each logical date in {@code [from, to]} that has one. */
    Map<Instant, DagRunState> latestRunStates(String dagId, Instant from, Instant to);

    /**
     * Moves a backfill from one of {@code from} to {@code to}; empty when it does not exist, the
     * unchanged backfill when it is in none of {@code from}.
     */
    Optional<BackfillView> changeState(String dagId, long id, List<BackfillState> from, BackfillState to, Instant now);

    /** The ids of the running backfills. */
    List<Long> running();

    /**
     * Advances one running backfill under its row lock (skipped when another scheduler holds it):
     * {@code start} gets the intervals to start now, in order, and returns the id of each run it
     * created (or found). The backfill completes once every interval to run has a finished run.
     */
    void advance(long id, Instant now, Function<Pending, Map<Instant, Long>> start);

    /** A running backfill's next intervals to run, as many as it may start now. */
    record Pending(String dagId, String confJson, long backfillId, List<Interval> intervals) {
    }

    /** One schedule interval: from {@code dataIntervalStart} to the run's logical date. */
    record Interval(Instant dataIntervalStart, Instant logicalDate) {
    }
}

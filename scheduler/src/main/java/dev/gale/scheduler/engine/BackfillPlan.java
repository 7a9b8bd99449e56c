package dev.gale.scheduler.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a backfill does with each schedule interval of its range: run it, or skip it because a run
 * of that logical date exists and the backfill's {@link Reprocess} keeps it. A run still in progress
 * is never doubled.
 */
public final class BackfillPlan {
    private BackfillPlan() {
    }

    /** What to do with intervals that already have a run. */
    public enum Reprocess {
        /** Run only intervals that have no run yet. */
        SKIP,
        /** Also run intervals whose latest run failed (or was cancelled). */
        FAILED,
        /** Run every interval again, whatever its earlier runs did. */
        ALL;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The order a backfill starts its runs in. */
    public enum Order {
        OLDEST_FIRST, NEWEST_FIRST;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One interval of a backfill; {@code skippedBecause} is null when the backfill runs it. */
    public record Entry(Instant logicalDate, String skippedBecause) {
        public boolean runs() {
            return skippedBecause == null;
        }
    }

    /**
     * @param logicalDates the schedule's fire times in the backfill's range
     * @param latestRuns   the state of the latest existing run of each logical date that has one
     * @return one entry per logical date, in the order the backfill starts them
     */
    public static List<Entry> plan(List<Instant> logicalDates, Map<Instant, DagRunState> latestRuns,
                                   Reprocess reprocess, Order order) {
        List<Entry> entries = new ArrayList<>();
        for (Instant date : logicalDates) {
            entries.add(new Entry(date, skipReason(latestRuns.get(date), reprocess)));
        }
        Comparator<Entry> byDate = Comparator.comparing(Entry::logicalDate);
        entries.sort(order == Order.OLDEST_FIRST ? byDate : byDate.reversed());
        return entries;
    }

    private static String skipReason(DagRunState latest, Reprocess reprocess) {
        if (latest == null) {
            return null;
        }
        if (!latest.isFinished()) {
            return "a run of this logical date is " + latest.wireName();
        }
        boolean rerun = switch (reprocess) {
            case SKIP -> false;
            case FAILED -> latest != DagRunState.SUCCESS;
            case ALL -> true;
        };
        return rerun ? null : "a run of this logical date ended " + latest.wireName() + " (reprocess " + reprocess.wireName() + ")";
    }

    /** How many more runs a backfill may start now, given its cap and its runs in progress. */
    public static int runsToStart(int maxActiveRuns, int active, int pending) {
        return Math.max(0, Math.min(pending, maxActiveRuns - active));
    }
}

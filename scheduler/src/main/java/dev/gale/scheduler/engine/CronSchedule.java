package dev.gale.scheduler.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A DAG's cron schedule as the engine decides with it: its fire times, whether missed fires are
 * caught up, and the optional window {@code [startDate, endDate]} outside which it never fires.
 *
 * <p>A run's logical date is its fire time; its data interval runs from the fire before it to its
 * logical date, so the nightly run at midnight covers the day that just ended.
 */
public record CronSchedule(FireTimes fires, boolean catchup, Instant startDate, Instant endDate) {
    /** How far back {@link #intervalStart} looks for the fire before a logical date. */
    private static final Duration LONGEST_INTERVAL = Duration.ofDays(4 * 366);

    /** The fire times in {@code [from, to]}, oldest first, within the schedule's window; at most {@code limit}. */
    public List<Instant> firesBetween(Instant from, Instant to, int limit) {
        List<Instant> out = new ArrayList<>();
        Optional<Instant> next = fires.nextAfter(from.minusMillis(1));
        while (next.isPresent() && !next.get().isAfter(to) && out.size() < limit) {
            if (inWindow(next.get())) {
                out.add(next.get());
            }
            next = fires.nextAfter(next.get());
        }
        return out;
    }

    boolean inWindow(Instant fire) {
        return (startDate == null || !fire.isBefore(startDate)) && (endDate == null || !fire.isAfter(endDate));
    }

    /**
     * Where the data interval of the run at {@code logicalDate} starts: the schedule's fire before it.
     * Found by looking back twice as far each time, as cron expressions cannot be walked backwards.
     */
    public Instant intervalStart(Instant logicalDate) {
        for (Duration back = Duration.ofMinutes(1); back.compareTo(LONGEST_INTERVAL) <= 0; back = back.multipliedBy(2)) {
            Optional<Instant> candidate = fires.nextAfter(logicalDate.minus(back));
            if (candidate.isPresent() && candidate.get().isBefore(logicalDate)) {
                Instant previous = candidate.get();
                for (Optional<Instant> n = fires.nextAfter(previous); n.isPresent() && n.get().isBefore(logicalDate);
                     n = fires.nextAfter(previous)) {
                    previous = n.get();
                }
                return previous;
            }
        }
        return logicalDate;
    }
}

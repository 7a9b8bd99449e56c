package dev.gale.scheduler.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which scheduled runs of a cron DAG are due now. The same rule covers a scheduler that was down, a
 * DAG that was paused and a DAG seen for the first time, so that no fire is dropped silently:
 * <ul>
 *   <li>the fires considered are those after the DAG's latest scheduled run (or, before its first,
 *       those from its {@code startDate}, else from when Gale first saw the DAG) up to now, inside
 *       {@code [startDate, endDate]};</li>
 *   <li>with catchup, each of them is due, oldest first; without, only the latest.</li>
 * </ul>
 * Creating a due run twice is harmless (one run per logical date), so several schedulers may decide
 * at once.
 */
public final class ScheduledFires {
    private ScheduledFires() {
    }

    /**
     * @param latestLogicalDate the logical date of the DAG's latest scheduled run, if it has one
     * @param firstSeen         when Gale first saw the DAG's schedule
     * @param limit             at most this many fires are returned (the oldest); the rest are due next time
     */
    public static List<Instant> due(CronSchedule schedule, Optional<Instant> latestLogicalDate, Instant firstSeen,
                                    Instant now, int limit) {
        Instant after = latestLogicalDate.orElse(schedule.startDate() != null
                ? schedule.startDate().minusMillis(1) : firstSeen);
        List<Instant> due = new ArrayList<>();
        Optional<Instant> next = schedule.fires().nextAfter(after);
        while (next.isPresent() && !next.get().isAfter(now)) {
            Instant fire = next.get();
            if (schedule.endDate() != null && fire.isAfter(schedule.endDate())) {
                break;
            }
            if (schedule.inWindow(fire)) {
                if (!schedule.catchup()) {
                    due.clear();
                } else if (due.size() == limit) {
                    break;
                }
                due.add(fire);
            }
            next = schedule.fires().nextAfter(fire);
        }
        return due;
    }
}

package dev.gale.scheduler.service;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/** What the cron schedules need stored: when Gale first saw each DAG, and each DAG's latest scheduled run. */
public interface ScheduleStore {
    /** When Gale first saw each DAG's schedule, by DAG id; records {@code now} for those asked about the first time. */
    Map<String, Instant> firstSeen(Collection<String> dagIds, Instant now);

    /** The logical date of the latest scheduled run of each DAG that has one. */
    Map<String, Instant> latestScheduledLogicalDates();
}

package dev.gale.scheduler.service;

import java.time.Instant;
import java.util.Map;

/** What the cron schedules need stored: when Gale first saw each DAG, and each DAG's latest scheduled run. */
public interface ScheduleStore {
    /** When Gale first saw the DAG's schedule; records {@code now} the first time it is asked. */
    Instant firstSeen(String dagId, Instant now);

    /** The logical date of the latest scheduled run of each DAG that has one. */
    Map<String, Instant> latestScheduledLogicalDates();
}

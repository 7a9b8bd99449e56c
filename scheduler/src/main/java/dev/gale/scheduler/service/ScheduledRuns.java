package dev.gale.scheduler.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gale.scheduler.engine.CronSchedule;
import dev.gale.scheduler.engine.ScheduledFires;
import dev.gale.sdk.spec.ScheduleSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the scheduled runs of cron DAGs that are due, as {@link ScheduledFires} decides: on each
 * cron fire, after a scheduler was down, and when a paused DAG is unpaused. Each logical date gets one
 * run however many schedulers call this at once.
 */
public final class ScheduledRuns {
    private static final Logger log = LoggerFactory.getLogger(ScheduledRuns.class);
    /** A DAG with catchup far behind gets this many runs per pass, oldest first; the next pass goes on. */
    private static final int MAX_RUNS_PER_PASS = 500;

    private final SchedulerStore store;
    private final ScheduleStore schedules;
    private final RunService runs;
    private final Function<ScheduleSpec, CronSchedule> calendar;
    /** Parsing a cron expression costs more than the rest of a DAG's look in a pass; specs rarely change. */
    private final Cache<ScheduleSpec, CronSchedule> schedulesBySpec = Caffeine.newBuilder().maximumSize(10_000).build();
    private final Clock clock;

    /** @param calendar reads a DAG's cron schedule ({@code CronExpressions::schedule}) */
    public ScheduledRuns(SchedulerStore store, ScheduleStore schedules, RunService runs,
                         Function<ScheduleSpec, CronSchedule> calendar, Clock clock) {
        this.store = store;
        this.schedules = schedules;
        this.runs = runs;
        this.calendar = calendar;
        this.clock = clock;
    }

    /** Creates the due runs of every unpaused cron DAG; returns how many it created. */
    public int createDue() {
        Map<String, Instant> latest = schedules.latestScheduledLogicalDates();
        List<DagSummary> cronDags = store.listDags().stream().filter(d -> d.currentVersion().spec().schedule() != null
                && d.currentVersion().spec().schedule().cron() != null).toList();
        Instant now = clock.instant();
        // Recorded even while paused, so that a DAG paused from its first load still catches up from then.
        Map<String, Instant> firstSeen = schedules.firstSeen(cronDags.stream().map(DagSummary::dagId).toList(), now);
        int created = 0;
        for (DagSummary dag : cronDags) {
            if (!dag.paused()) {
                created += createDue(dag, Optional.ofNullable(latest.get(dag.dagId())), firstSeen.get(dag.dagId()),
                        now);
            }
        }
        return created;
    }

    private int createDue(DagSummary dag, Optional<Instant> latest, Instant firstSeen, Instant now) {
        ScheduleSpec spec = dag.currentVersion().spec().schedule();
        CronSchedule schedule = schedulesBySpec.get(spec, calendar);
        List<Instant> due = ScheduledFires.due(schedule, latest, firstSeen, now, MAX_RUNS_PER_PASS);
        int created = 0;
        for (Instant logicalDate : due) {
            try {
                if (runs.triggerScheduled(dag.dagId(), logicalDate, schedule.intervalStart(logicalDate)).isPresent()) {
                    created++;
                }
            } catch (InvalidConfException e) {
                log.error("Scheduled run of {} not created: {}", dag.dagId(), e.getMessage());
                return created;
            }
        }
        return created;
    }
}

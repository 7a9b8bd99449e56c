package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.BackfillPlan;
import dev.gale.scheduler.engine.CronSchedule;
import dev.gale.sdk.ParamValidator;
import dev.gale.sdk.spec.DagSpec;
import dev.gale.sdk.spec.ScheduleSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Backfills: a DAG run once per schedule interval of a past range, as {@code backfill} runs, at most
 * {@code maxActiveRuns} at a time, paused, resumed and cancelled as a whole. Schedulers advance them
 * ({@link #advance}) under a row lock, so several may run at once.
 */
public final class Backfills {
    private static final Logger log = LoggerFactory.getLogger(Backfills.class);
    /** More intervals than this in one backfill are refused: split the range. */
    public static final int MAX_INTERVALS = 10_000;

    private final SchedulerStore store;
    private final BackfillStore backfills;
    private final RunService runs;
    private final Function<ScheduleSpec, CronSchedule> calendar;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();

    /** @param calendar reads a DAG's cron schedule ({@code CronExpressions::schedule}) */
    public Backfills(SchedulerStore store, BackfillStore backfills, RunService runs,
                     Function<ScheduleSpec, CronSchedule> calendar, Clock clock) {
        this.store = store;
        this.backfills = backfills;
        this.runs = runs;
        this.calendar = calendar;
        this.clock = clock;
    }

    /**
     * Plans and creates a backfill; its runs start at the schedulers' next pass.
     *
     * @throws UnknownDagException     when the DAG does not exist
     * @throws InvalidConfException    when conf breaks the DAG's params
     * @throws InvalidBackfillException when the DAG has no cron schedule, or the range holds no interval or too many
     */
    public BackfillView create(BackfillRequest request) {
        DagSummary dag = store.findDag(request.dagId()).orElseThrow(() -> new UnknownDagException(request.dagId()));
        DagSpec spec = dag.currentVersion().spec();
        if (spec.schedule() == null || spec.schedule().cron() == null) {
            throw new InvalidBackfillException("DAG '" + request.dagId() + "' has no cron schedule, so it has no"
                    + " intervals to backfill; trigger runs with a logical date instead");
        }
        if (request.to().isBefore(request.from())) {
            throw new InvalidBackfillException("to (" + request.to() + ") is before from (" + request.from() + ")");
        }
        if (request.maxActiveRuns() < 1) {
            throw new InvalidBackfillException("maxActiveRuns must be at least 1, got " + request.maxActiveRuns());
        }
        ParamValidator.Result validation = ParamValidator.validate(spec.params(), request.conf());
        if (!validation.valid()) {
            throw new InvalidConfException(request.dagId(), validation.violations());
        }
        // A backfill covers the range whatever the schedule's own start and end dates, as in Airflow.
        CronSchedule schedule = calendar.apply(new ScheduleSpec(spec.schedule().cron(), spec.schedule().timezone(),
                List.of(), false, true, null, null, null, List.of()));
        List<Instant> dates = schedule.firesBetween(request.from(), request.to(), MAX_INTERVALS + 1);
        if (dates.isEmpty()) {
            throw new InvalidBackfillException("DAG '" + request.dagId() + "' (schedule '" + spec.schedule().cron()
                    + "') has no fire time between " + request.from() + " and " + request.to() + "; widen the range");
        }
        if (dates.size() > MAX_INTERVALS) {
            throw new InvalidBackfillException("the range holds more than " + MAX_INTERVALS + " schedule intervals"
                    + " of DAG '" + request.dagId() + "'; split it into several backfills");
        }
        List<NewBackfill.PlannedEntry> entries = BackfillPlan.plan(dates,
                        backfills.latestRunStates(request.dagId(), request.from(), request.to()), request.reprocess(),
                        request.order()).stream()
                .map(e -> new NewBackfill.PlannedEntry(e, schedule.intervalStart(e.logicalDate()))).toList();
        return backfills.create(new NewBackfill(request.dagId(), request.from(), request.to(),
                json.writeValueAsString(request.conf()), request.maxActiveRuns(), request.order(),
                request.reprocess(), clock.instant(), entries));
    }

    public Optional<BackfillView> find(String dagId, long id) {
        return backfills.find(dagId, id);
    }

    public List<BackfillView> list(String dagId, int limit) {
        return backfills.list(dagId, limit);
    }

    public List<BackfillEntryView> entries(long id) {
        return backfills.entries(id);
    }

    /** Starts no more runs until resumed; runs already started go on. */
    public Optional<BackfillView> pause(String dagId, long id) {
        return change(dagId, id, List.of(BackfillState.RUNNING), BackfillState.PAUSED, "pause");
    }

    public Optional<BackfillView> resume(String dagId, long id) {
        return change(dagId, id, List.of(BackfillState.PAUSED), BackfillState.RUNNING, "resume");
    }

    /** Starts no more runs, ever; runs already started go on (cancel them one by one to stop them). */
    public Optional<BackfillView> cancel(String dagId, long id) {
        return change(dagId, id, List.of(BackfillState.RUNNING, BackfillState.PAUSED), BackfillState.CANCELLED,
                "cancel");
    }

    private Optional<BackfillView> change(String dagId, long id, List<BackfillState> from, BackfillState to,
                                          String verb) {
        Optional<BackfillView> changed = backfills.changeState(dagId, id, from, to, clock.instant());
        if (changed.isPresent() && changed.get().state() != to) {
            throw new RunStateConflictException("backfill " + id + " of DAG '" + dagId + "' is "
                    + changed.get().state().wireName() + "; only a " + String.join(" or ",
                    from.stream().map(BackfillState::wireName).toList()) + " backfill can " + verb);
        }
        return changed;
    }

    /** Starts the runs each running backfill may start now, and completes the backfills that are done. */
    public void advance() {
        for (long id : backfills.running()) {
            try {
                backfills.advance(id, clock.instant(), this::start);
            } catch (RuntimeException e) {
                log.error("Backfill {} did not advance; the next pass retries", id, e);
            }
        }
    }

    private Map<Instant, Long> start(BackfillStore.Pending pending) {
        Map<String, Object> conf = json.readValue(pending.confJson(), Map.class);
        Map<Instant, Long> started = new HashMap<>();
        for (BackfillStore.Interval interval : pending.intervals()) {
            Instant logicalDate = interval.logicalDate();
            started.put(logicalDate, runs.triggerBackfill(pending.dagId(), conf, logicalDate,
                    interval.dataIntervalStart(), "backfill-" + pending.backfillId() + "-" + logicalDate).id());
        }
        return started;
    }
}

package dev.gale.api.rest.v1;

import dev.gale.scheduler.loop.CronExpressions;
import dev.gale.scheduler.service.DagPage;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.DagService;
import dev.gale.scheduler.service.DagSummary;
import dev.gale.scheduler.service.NotificationOutbox;
import dev.gale.scheduler.service.RunHistory;
import dev.gale.scheduler.service.RunQuery;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.TaskInstanceView;
import dev.gale.scheduler.service.UnknownDagException;
import dev.gale.sdk.spec.ScheduleSpec;
import dev.gale.sdk.spec.TaskSpec;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Views that combine DAGs with their recent runs, as a dashboard shows them: the DAG list with each
 * DAG's last runs and next scheduled run, and a DAG's grid of recent runs × tasks (Airflow's grid).
 */
@RestController
@RequestMapping("/api/v1")
class OverviewController {
    private static final int MAX_RECENT_RUNS = 25;
    private static final int MAX_GRID_RUNS = 100;

    private final DagService dags;
    private final RunService runs;
    private final RunHistory history;
    private final Clock clock;
    private final NotificationOutbox outbox;

    OverviewController(DagService dags, RunService runs, RunHistory history, Clock clock, NotificationOutbox outbox) {
        this.dags = dags;
        this.runs = runs;
        this.history = history;
        this.clock = clock;
        this.outbox = outbox;
    }

    record RecentRun(String runId, String state, String runType, Instant queuedAt, Instant endedAt) {
        static RecentRun of(DagRunView run) {
            return new RecentRun(run.runId(), run.state().wireName(), run.runType(), run.queuedAt(), run.endedAt());
        }
    }

    /**
     * {@code schedule} is the cron expression or preset, null when the DAG has none; {@code missedDeadlines}
     * is null when no run of the DAG ever missed its deadline.
     */
    record DagOverview(String dagId, String description, String owner, List<String> tags, boolean isPaused,
                       String schedule, String timezone, List<String> scheduledOnAssets,
                       List<String> scheduledOnAliasMoves, Instant nextRunAt,
                       List<RecentRun> recentRuns, NotificationOutbox.MissedDeadlines missedDeadlines) {
    }

    record DagOverviewListResponse(List<DagOverview> dags, int totalEntries) {
    }

    /** One task of one run: its state, or for a mapped task how many instances are in each state. */
    record GridCell(String taskId, String state, boolean mapped, Map<String, Integer> mappedStates) {
    }

    record GridRun(String runId, String state, String runType, Instant queuedAt, Instant endedAt,
                   List<GridCell> tasks) {
    }

    record GridResponse(String dagId, List<String> taskIds, List<GridRun> runs) {
    }

    @Operation(summary = "List DAGs with their recent runs and next scheduled run",
            description = "Ordered by DAG id; filter by tag and by paused. recentRuns (default 5, at most 25) runs per"
                    + " DAG, newest first. nextRunAt is the next cron fire time, null when the DAG is paused or has"
                    + " no cron schedule. missedDeadlines counts the DAG's runs that missed their deadline and names"
                    + " the latest; null when none did.")
    @GetMapping("/dag-overview")
    DagOverviewListResponse dagOverview(@RequestParam(name = "tag", required = false) String tag,
                                        @RequestParam(name = "paused", required = false) Boolean paused,
                                        @RequestParam(name = "recentRuns", defaultValue = "5") int recentRuns,
                                        @RequestParam(name = "limit", required = false) Integer limit,
                                        @RequestParam(name = "offset", required = false) Integer offset) {
        if (recentRuns < 0 || recentRuns > MAX_RECENT_RUNS) {
            throw ApiException.badRequest("invalid-recent-runs", "recentRuns must be between 0 and "
                    + MAX_RECENT_RUNS + ", got " + recentRuns);
        }
        DagPage page = dags.list(tag, paused, Paging.limit(limit), Paging.offset(offset));
        Instant now = clock.instant();
        Map<String, NotificationOutbox.MissedDeadlines> missed = outbox.missedDeadlines(
                page.dags().stream().map(DagSummary::dagId).toList());
        return new DagOverviewListResponse(page.dags().stream()
                .map(d -> overview(d, recentRuns, now, missed.get(d.dagId()))).toList(), page.totalEntries());
    }

    @Operation(summary = "A DAG's grid: recent runs × tasks",
            description = "The newest runs (default 20, at most 100), each with the state of every task of the DAG's"
                    + " current version; a mapped task gives the count of its instances per state. taskIds is the"
                    + " order of the rows: the DAG's tasks as declared.")
    @GetMapping("/dags/{dagId}/grid")
    GridResponse grid(@PathVariable String dagId, @RequestParam(name = "runs", defaultValue = "20") int runCount) {
        DagSummary dag = dags.find(dagId).orElseThrow(() -> new UnknownDagException(dagId));
        if (runCount < 1 || runCount > MAX_GRID_RUNS) {
            throw ApiException.badRequest("invalid-runs", "runs must be between 1 and " + MAX_GRID_RUNS + ", got "
                    + runCount);
        }
        List<String> taskIds = dag.currentVersion().spec().tasks().stream().map(TaskSpec::taskId).toList();
        List<GridRun> rows = recent(dagId, runCount).stream().map(run -> gridRun(dagId, run)).toList();
        return new GridResponse(dagId, taskIds, rows);
    }

    private GridRun gridRun(String dagId, DagRunView run) {
        List<TaskInstanceView> instances = history.listTaskInstances(dagId, run.runId(), Paging.MAX_LIMIT, 0)
                .map(p -> p.taskInstances()).orElse(List.of());
        Map<String, List<TaskInstanceView>> byTask = new LinkedHashMap<>();
        instances.forEach(ti -> byTask.computeIfAbsent(ti.taskId(), k -> new ArrayList<>()).add(ti));
        List<GridCell> cells = byTask.entrySet().stream().map(e -> {
            List<TaskInstanceView> list = e.getValue();
            boolean mapped = list.size() > 1 || list.getFirst().mapIndex() >= 0;
            if (!mapped) {
                return new GridCell(e.getKey(), list.getFirst().state().wireName(), false, null);
            }
            Map<String, Integer> counts = new TreeMap<>();
            list.forEach(ti -> counts.merge(ti.state().wireName(), 1, Integer::sum));
            return new GridCell(e.getKey(), null, true, counts);
        }).toList();
        return new GridRun(run.runId(), run.state().wireName(), run.runType(), run.queuedAt(), run.endedAt(), cells);
    }

    private DagOverview overview(DagSummary dag, int recentRuns, Instant now,
                                 NotificationOutbox.MissedDeadlines missed) {
        var spec = dag.currentVersion().spec();
        ScheduleSpec schedule = spec.schedule();
        String cron = schedule == null ? null : schedule.cron();
        Instant next = cron == null || dag.paused() ? null
                : CronExpressions.nextFireAfter(cron, schedule.timezone(), now).orElse(null);
        List<RecentRun> recent = recentRuns == 0 ? List.of()
                : recent(dag.dagId(), recentRuns).stream().map(RecentRun::of).toList();
        return new DagOverview(dag.dagId(), spec.description(), spec.owner(), spec.tags(), dag.paused(), cron,
                schedule == null ? null : schedule.timezone(), schedule == null ? List.of() : schedule.assets(),
                schedule == null ? List.of() : schedule.aliasMoves().stream().map(a -> a.asset() + "@" + a.alias())
                        .toList(), next, recent, missed);
    }

    private List<DagRunView> recent(String dagId, int count) {
        return runs.list(new RunQuery(List.of(dagId), List.of(), List.of(), null, null, null, count)).runs();
    }
}

package dev.gale.api.rest.v1;

import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.scheduler.service.TaskInstanceView;
import dev.gale.scheduler.service.TaskLogLine;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/dags/{dagId}/runs/{runId}/tasks/{taskId}/logs}: a task attempt's log, readable
 * while the task runs (workers ship lines with every heartbeat) and after. Tail it by passing the
 * answer's {@code nextOffset} as the next request's {@code offset}.
 */
@RestController
class TaskLogController {
    static final int MAX_LINES = 10_000;

    private final RunService runs;
    private final TaskExecutionService tasks;

    TaskLogController(RunService runs, TaskExecutionService tasks) {
        this.runs = runs;
        this.tasks = tasks;
    }

    /** One line, with the offset that orders it. */
    record Line(long offset, int attempt, Instant timestamp, String stream, String line) {
        static Line of(TaskLogLine line) {
            return new Line(line.offset(), line.attempt(), line.loggedAt(), line.stream(), line.line());
        }
    }

    /**
     * Lines after {@code offset}, at most {@code limit}; {@code nextOffset} is where to continue.
     * {@code taskState} says whether more may come ({@code running}) or the attempt has ended.
     */
    record TaskLogResponse(String dagId, String runId, String taskId, int mapIndex, int attempt, String taskState,
                           List<Line> lines, long nextOffset) {
    }

    @GetMapping("/api/v1/dags/{dagId}/runs/{runId}/tasks/{taskId}/logs")
    TaskLogResponse logs(@PathVariable String dagId, @PathVariable String runId, @PathVariable String taskId,
                         @RequestParam(defaultValue = "-1") int mapIndex,
                         @RequestParam(required = false) Integer attempt,
                         @RequestParam(defaultValue = "0") long offset,
                         @RequestParam(defaultValue = "1000") int limit) {
        if (offset < 0) {
            throw ApiException.badRequest("invalid-offset", "offset must be 0 (from the start) or a nextOffset from an"
                    + " earlier answer, got " + offset + ".");
        }
        if (limit < 1 || limit > MAX_LINES) {
            throw ApiException.badRequest("invalid-limit", "limit must be between 1 and " + MAX_LINES + ", got "
                    + limit + ".");
        }
        if (runs.find(dagId, runId).isEmpty()) {
            throw ApiException.notFound("unknown-run", "DAG '" + dagId + "' has no run '" + runId
                    + "'. Runs are listed by GET /api/v1/dags/" + dagId + "/runs.");
        }
        TaskInstanceView task = tasks.taskInstance(runId, taskId, mapIndex).orElseThrow(() ->
                ApiException.notFound("unknown-task-instance", "run '" + runId + "' of DAG '" + dagId
                        + "' has no task '" + taskId + "'" + (mapIndex == -1 ? "" : " with map index " + mapIndex)
                        + ". Check the task id against GET /api/v1/dags."));
        int wanted = attempt == null ? task.attempt() : attempt;
        if (attempt != null && (attempt < 1 || attempt > task.attempt())) {
            throw ApiException.notFound("unknown-attempt", "task '" + taskId + "' of run '" + runId + "' has had "
                    + task.attempt() + " attempt(s) so far; attempt must be between 1 and " + task.attempt()
                    + ", got " + attempt + ".");
        }
        List<Line> lines = tasks.logs(runId, taskId, mapIndex, wanted, offset, limit).stream().map(Line::of).toList();
        long next = lines.isEmpty() ? offset : lines.getLast().offset();
        return new TaskLogResponse(dagId, runId, taskId, mapIndex, wanted, task.state().wireName(), lines, next);
    }
}

package dev.gale.api.rest.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gale.scheduler.service.RunHistory;
import dev.gale.scheduler.service.SchedulerStore;
import dev.gale.scheduler.service.TaskInstancePage;
import dev.gale.scheduler.service.TaskInstanceView;
import dev.gale.sdk.SecretParams;
import dev.gale.sdk.spec.TaskSpec;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/v1/dags/{dagId}/runs/{runId}/tasks}: a run's task instances, their attempts and XCom
 * values. {@code mapIndex} picks one instance of a mapped task; -1 (the default) is an unmapped task.
 */
@RestController
@RequestMapping("/api/v1/dags/{dagId}/runs/{runId}/tasks")
class TaskInstanceController {
    private final RunHistory history;
    /** For the run's secret values, scrubbed from the XComs shown (tasks still read them whole over the TEI). */
    private final SchedulerStore store;
    private final JsonMapper json;

    TaskInstanceController(RunHistory history, SchedulerStore store, JsonMapper json) {
        this.history = history;
        this.store = store;
        this.json = json;
    }

    record TaskInstanceResponse(String taskId, int mapIndex, String state, int attempt, int maxAttempts,
                                String queue, int priorityWeight, String workerId, String error,
                                java.time.Instant queuedAt, java.time.Instant startedAt, java.time.Instant endedAt,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String waitingReason,
                                @JsonInclude(JsonInclude.Include.NON_NULL) TaskDeclaration task) {
        static TaskInstanceResponse of(TaskInstanceView ti) {
            return of(ti, null);
        }

        static TaskInstanceResponse of(TaskInstanceView ti, TaskDeclaration task) {
            return new TaskInstanceResponse(ti.taskId(), ti.mapIndex(), ti.state().wireName(), ti.attempt(),
                    ti.maxAttempts(), ti.queue(), ti.priorityWeight(), ti.workerId(), ti.error(), ti.queuedAt(),
                    ti.startedAt(), ti.endedAt(), ti.waitingReason(), task);
        }
    }

    /**
     * How the run's DAG version declares the task: where in the code ({@code class:line}, null for a task
     * not declared in Java), its pool (null: none) and how many of the pool's slots it takes.
     */
    record TaskDeclaration(String source, String pool, int poolSlots) {
        static TaskDeclaration of(TaskSpec spec) {
            return new TaskDeclaration(spec.source(), spec.pool(), spec.slotsOfPool());
        }
    }

    record TaskInstanceListResponse(List<TaskInstanceResponse> taskInstances, int totalEntries) {
    }

    record AttemptResponse(int attempt, String state, String workerId, String error, java.time.Instant startedAt,
                           java.time.Instant endedAt) {
    }

    record AttemptListResponse(List<AttemptResponse> attempts) {
    }

    record XComResponse(String key, JsonNode value) {
    }

    record XComListResponse(List<XComResponse> entries) {
    }

    @Operation(summary = "List a run's task instances", description = "Ordered by task id, then map index.")
    @GetMapping
    TaskInstanceListResponse list(@PathVariable String dagId, @PathVariable String runId,
                                  @RequestParam(name = "limit", required = false) Integer limit,
                                  @RequestParam(name = "offset", required = false) Integer offset) {
        TaskInstancePage page = history.listTaskInstances(dagId, runId, Paging.limit(limit), Paging.offset(offset))
                .orElseThrow(() -> RunController.unknownRun(dagId, runId));
        return new TaskInstanceListResponse(page.taskInstances().stream().map(TaskInstanceResponse::of).toList(),
                page.totalEntries());
    }

    @Operation(summary = "Get a task instance", description = "With the task's declaration in the run's DAG version:"
            + " its source (class:line of the DSL call), pool and poolSlots.")
    @GetMapping("/{taskId}")
    TaskInstanceResponse get(@PathVariable String dagId, @PathVariable String runId, @PathVariable String taskId,
                             @RequestParam(name = "mapIndex", defaultValue = "-1") int mapIndex) {
        return TaskInstanceResponse.of(find(dagId, runId, taskId, mapIndex),
                history.findTaskSpec(dagId, runId, taskId).map(TaskDeclaration::of).orElse(null));
    }

    @Operation(summary = "List a task instance's attempts, oldest first, the running one included")
    @GetMapping("/{taskId}/attempts")
    AttemptListResponse attempts(@PathVariable String dagId, @PathVariable String runId, @PathVariable String taskId,
                                 @RequestParam(name = "mapIndex", defaultValue = "-1") int mapIndex) {
        find(dagId, runId, taskId, mapIndex);
        return new AttemptListResponse(history.listAttempts(dagId, runId, taskId, mapIndex).stream()
                .map(a -> new AttemptResponse(a.attempt(), a.state().wireName(), a.workerId(), a.error(),
                        a.startedAt(), a.endedAt()))
                .toList());
    }

    @Operation(summary = "List a task instance's XCom values", description = "The output is under key return_value.")
    @GetMapping("/{taskId}/xcom")
    XComListResponse xcom(@PathVariable String dagId, @PathVariable String runId, @PathVariable String taskId,
                          @RequestParam(name = "mapIndex", defaultValue = "-1") int mapIndex) {
        List<String> secrets = store.secretParamValues(find(dagId, runId, taskId, mapIndex).id());
        return new XComListResponse(history.listXComs(dagId, runId, taskId, mapIndex).stream()
                .map(x -> new XComResponse(x.key(), json.readTree(SecretParams.scrubJson(x.valueJson(), secrets))))
                .toList());
    }

    private TaskInstanceView find(String dagId, String runId, String taskId, int mapIndex) {
        return history.findTaskInstance(dagId, runId, taskId, mapIndex).orElseThrow(() -> ApiException.notFound(
                "unknown-task-instance", "Run '" + runId + "' of DAG '" + dagId + "' has no task instance '" + taskId
                        + "'" + (mapIndex < 0 ? "" : " with mapIndex " + mapIndex) + ". Its task instances are listed"
                        + " by GET /api/v1/dags/" + dagId + "/runs/" + runId + "/tasks."));
    }
}

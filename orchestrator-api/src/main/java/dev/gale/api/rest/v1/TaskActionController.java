package dev.gale.api.rest.v1;

import dev.gale.api.security.ApiPrincipal;
import dev.gale.api.security.Role;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.TaskActionView;
import dev.gale.scheduler.service.TaskActions;
import dev.gale.scheduler.service.UnknownTaskException;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/v1/dags/{dagId}/runs/{runId}}: clear one task (optionally with what is downstream of it)
 * or mark it success or failed, with a reason; the run's record of who did what.
 */
@RestController
@RequestMapping("/api/v1/dags/{dagId}/runs/{runId}")
class TaskActionController {
    private final TaskActions actions;
    private final JsonMapper json;

    TaskActionController(TaskActions actions, JsonMapper json) {
        this.actions = actions;
        this.json = json;
    }

    record TaskActionListResponse(List<TaskActionView> actions) {
    }

    @Operation(summary = "Clear one task so that it runs again", description = "Body: reason (required) and"
            + " downstream (default false: also clear every task downstream of it). The run must have ended.")
    @PostMapping("/tasks/{taskId}/clear")
    @RequiresRole(Role.OPERATOR)
    DagRunResponse clear(@PathVariable String dagId, @PathVariable String runId, @PathVariable String taskId,
                         @RequestBody(required = false) JsonNode body, HttpServletRequest request) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        String reason = reason(body, errors);
        JsonNode downstream = body == null ? null : body.get("downstream");
        if (downstream != null && !downstream.isNull() && !downstream.isBoolean()) {
            errors.add(new ApiException.FieldError("downstream", "must be true or false"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid-task-action", errors);
        }
        return done(dagId, runId, taskId, () -> actions.clear(dagId, runId, taskId,
                downstream != null && downstream.asBoolean(), reason, actor(request)));
    }

    @Operation(summary = "Mark one task success or failed", description = "Body: state (success or failed) and"
            + " reason (required). Marking success lets what did not run because of it run; the run goes on from"
            + " there. A queued or running task cannot be marked; marking a deferred task ends its wait.")
    @PostMapping("/tasks/{taskId}/mark")
    @RequiresRole(Role.OPERATOR)
    DagRunResponse mark(@PathVariable String dagId, @PathVariable String runId, @PathVariable String taskId,
                        @RequestBody(required = false) JsonNode body, HttpServletRequest request) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        String reason = reason(body, errors);
        String state = body == null ? null : body.path("state").asString(null);
        if (!"success".equals(state) && !"failed".equals(state)) {
            errors.add(new ApiException.FieldError("state", "must be \"success\" or \"failed\""));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid-task-action", errors);
        }
        return done(dagId, runId, taskId, () -> actions.mark(dagId, runId, taskId,
                TaskInstanceState.fromWireName(state), reason, actor(request)));
    }

    @Operation(summary = "What people did to the run's tasks", description = "Clears and marks, oldest first,"
            + " with who (the API token's name), why and when.")
    @GetMapping("/actions")
    TaskActionListResponse history(@PathVariable String dagId, @PathVariable String runId) {
        return new TaskActionListResponse(actions.history(dagId, runId));
    }

    private DagRunResponse done(String dagId, String runId, String taskId, Supplier<Optional<DagRunView>> action) {
        try {
            return DagRunResponse.of(action.get().orElseThrow(() -> ApiException.notFound("unknown-run",
                    "DAG '" + dagId + "' has no run '" + runId + "'")), json);
        } catch (UnknownTaskException e) {
            throw ApiException.notFound("unknown-task", e.getMessage() + " (run '" + runId + "', task '" + taskId + "')");
        }
    }

    private static String reason(JsonNode body, List<ApiException.FieldError> errors) {
        String reason = body == null ? null : body.path("reason").asString(null);
        if (reason == null || reason.isBlank()) {
            errors.add(new ApiException.FieldError("reason", "is required: say why, for the run's record"));
        }
        return reason;
    }

    private static String actor(HttpServletRequest request) {
        return ((ApiPrincipal) request.getAttribute(ApiTokenFilter.PRINCIPAL)).tokenName();
    }
}

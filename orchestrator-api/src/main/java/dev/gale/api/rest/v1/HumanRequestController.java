package dev.gale.api.rest.v1;

import dev.gale.api.security.ApiPrincipal;
import dev.gale.api.security.Role;
import dev.gale.scheduler.service.HumanInTheLoop;
import dev.gale.scheduler.service.HumanRequestClosedException;
import dev.gale.scheduler.service.HumanRequestQuery;
import dev.gale.scheduler.service.HumanRequestView;
import dev.gale.scheduler.service.InvalidDecisionException;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.UnknownHumanRequestException;
import dev.gale.sdk.spec.ParamSpec;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/v1/hitl}: what tasks ask people (human in the loop), and their decisions. The inbox and a
 * Slack bot or a script read and answer through the same routes.
 */
@RestController
@RequestMapping("/api/v1/hitl")
class HumanRequestController {
    private final HumanInTheLoop hitl;
    private final RunService runs;
    private final JsonMapper json;

    HumanRequestController(HumanInTheLoop hitl, RunService runs, JsonMapper json) {
        this.hitl = hitl;
        this.runs = runs;
        this.json = json;
    }

    /** A request as the inbox lists it; {@code decision} once decided. */
    record HumanRequestResponse(long id, String state, String dagId, String runId, String taskId, int mapIndex,
                                String subject, String body, List<String> options, List<ParamSpec> form,
                                List<String> show, String assigneeRole, Instant requestedAt, Instant timeoutAt,
                                JsonNode decision, Instant decidedAt) {
    }

    record HumanRequestListResponse(List<HumanRequestResponse> requests, Integer nextOffset) {
    }

    /** One request with its run and the outputs of the upstream tasks it shows, by task id. */
    record HumanRequestDetailResponse(HumanRequestResponse request, DagRunResponse run,
                                      Map<String, JsonNode> shownOutputs) {
    }

    @Operation(summary = "List requests for a person's decision", description = "Newest first. Filters: state"
            + " (pending, decided or cancelled), dagId, assigneeRole. Paging: limit (1..1000, default 100) and"
            + " offset; nextOffset is set while there may be more.")
    @GetMapping
    HumanRequestListResponse list(@RequestParam(name = "state", required = false) String state,
                                  @RequestParam(name = "dagId", required = false) String dagId,
                                  @RequestParam(name = "assigneeRole", required = false) String assigneeRole,
                                  @RequestParam(name = "limit", required = false) Integer limit,
                                  @RequestParam(name = "offset", required = false) Integer offset) {
        int pageSize = Paging.limit(limit);
        int from = Paging.offset(offset);
        List<HumanRequestView> page;
        try {
            page = hitl.list(new HumanRequestQuery(blankToNull(state), blankToNull(dagId), blankToNull(assigneeRole),
                    pageSize, from));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-filter", e.getMessage());
        }
        return new HumanRequestListResponse(page.stream().map(this::response).toList(),
                page.size() == pageSize ? from + pageSize : null);
    }

    @Operation(summary = "One request, with its run and the upstream outputs it shows")
    @GetMapping("/{id}")
    HumanRequestDetailResponse get(@PathVariable long id) {
        HumanRequestView request = hitl.find(id).orElseThrow(() -> unknown(id));
        Map<String, JsonNode> shown = new LinkedHashMap<>();
        hitl.shownOutputs(request).forEach((taskId, output) -> shown.put(taskId, json.readTree(output)));
        DagRunResponse run = runs.find(request.dagId(), request.runId()).map(r -> DagRunResponse.of(r, json))
                .orElse(null);
        return new HumanRequestDetailResponse(response(request), run, shown);
    }

    @Operation(summary = "Decide a pending request, which resumes its task", description = "Body: option (one of"
            + " the request's options), values (the form's fields, checked like a run's params; defaults fill"
            + " what is left out) and an optional comment. Who decided is the API token's name; when is now."
            + " 400 names each option or value that does not fit; 409 when it was decided already or its task"
            + " stopped waiting; 403 for a token without the operator role or without the request's assignee"
            + " role.")
    @PostMapping("/{id}/decision")
    @RequiresRole(Role.OPERATOR)
    HumanRequestResponse decide(@PathVariable long id, @RequestBody(required = false) JsonNode body,
                                HttpServletRequest http) {
        ApiPrincipal principal = (ApiPrincipal) http.getAttribute(ApiTokenFilter.PRINCIPAL);
        HumanRequestView request = hitl.find(id).orElseThrow(() -> unknown(id));
        if (request.assigneeRole() != null && !principal.role().includes(Role.fromWireName(request.assigneeRole()))) {
            throw new ApiException(HttpStatus.FORBIDDEN, "not-assignee", "Not the assignee",
                    "human request " + id + " is assigned to the " + request.assigneeRole() + " role; token '"
                            + principal.tokenName() + "' has the " + principal.role().wireName() + " role");
        }
        List<ApiException.FieldError> errors = new ArrayList<>();
        JsonNode option = body == null ? null : body.get("option");
        if (option != null && !option.isNull() && !option.isString()) {
            errors.add(new ApiException.FieldError("option", "must be a string, one of " + request.options()));
        }
        JsonNode values = body == null ? null : body.get("values");
        if (values != null && !values.isNull() && !values.isObject()) {
            errors.add(new ApiException.FieldError("values", "must be an object of the form's fields"));
        }
        JsonNode comment = body == null ? null : body.get("comment");
        if (comment != null && !comment.isNull() && !comment.isString()) {
            errors.add(new ApiException.FieldError("comment", "must be a string"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid-decision", errors);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> given = values == null || values.isNull() ? Map.of() : json.treeToValue(values, Map.class);
        try {
            return response(hitl.decide(id, option == null || option.isNull() ? null : option.asString(), given,
                    comment == null || comment.isNull() ? null : comment.asString(), principal.tokenName()));
        } catch (InvalidDecisionException e) {
            throw ApiException.invalid("invalid-decision", e.violations().stream()
                    .map(v -> new ApiException.FieldError(v.field(), v.message())).toList());
        } catch (HumanRequestClosedException e) {
            throw ApiException.conflict("human-request-closed", "Already decided", e.getMessage());
        } catch (UnknownHumanRequestException e) {
            throw unknown(id);
        }
    }

    private HumanRequestResponse response(HumanRequestView r) {
        return new HumanRequestResponse(r.id(), r.state(), r.dagId(), r.runId(), r.taskId(), r.mapIndex(),
                r.subject(), r.body(), r.options(), r.form(), r.show(), r.assigneeRole(), r.requestedAt(),
                r.timeoutAt(), r.decisionJson() == null ? null : json.readTree(r.decisionJson()), r.decidedAt());
    }

    private static ApiException unknown(long id) {
        return ApiException.notFound("unknown-human-request", "there is no human request " + id
                + "; list them with GET /api/v1/hitl");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}

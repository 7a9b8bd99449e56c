package dev.gale.api.rest.v1;

import dev.gale.api.security.Role;
import dev.gale.scheduler.engine.BackfillPlan;
import dev.gale.scheduler.service.BackfillRequest;
import dev.gale.scheduler.service.BackfillView;
import dev.gale.scheduler.service.Backfills;
import dev.gale.scheduler.service.InvalidBackfillException;
import dev.gale.scheduler.service.RunStateConflictException;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code /api/v1/dags/{dagId}/backfills}: run a DAG once per schedule interval of a past range. */
@RestController
@RequestMapping("/api/v1/dags/{dagId}/backfills")
class BackfillController {
    private static final int DEFAULT_MAX_ACTIVE_RUNS = 10;

    private final Backfills backfills;
    private final JsonMapper json;

    BackfillController(Backfills backfills, JsonMapper json) {
        this.backfills = backfills;
        this.json = json;
    }

    record BackfillListResponse(List<BackfillResponse> backfills) {
    }

    @Operation(summary = "Start a backfill",
            description = "Body: from and to (ISO-8601 instants, or dates meaning midnight UTC; both included),"
                    + " conf (the params' defaults fill the rest), maxActiveRuns (default 10), order"
                    + " (oldest_first, the default, or newest_first) and reprocess: what to do with intervals that"
                    + " already have a run (skip, the default; failed: rerun those whose latest run failed or was"
                    + " cancelled; all). 201 with the backfill; its runs start within seconds.")
    @PostMapping
    @RequiresRole(Role.OPERATOR)
    ResponseEntity<BackfillResponse> create(@PathVariable String dagId, @RequestBody(required = false) JsonNode body) {
        BackfillView created;
        try {
            created = backfills.create(request(dagId, body));
        } catch (InvalidBackfillException e) {
            throw ApiException.badRequest("invalid-backfill", "Backfill not possible for this DAG or range",
                    e.getMessage());
        }
        return ResponseEntity.created(URI.create("/api/v1/dags/" + dagId + "/backfills/" + created.id()))
                .body(BackfillResponse.of(created, backfills.entries(created.id()), json));
    }

    @Operation(summary = "List a DAG's backfills, newest first")
    @GetMapping
    BackfillListResponse list(@PathVariable String dagId, @RequestParam(name = "limit", required = false) Integer limit) {
        return new BackfillListResponse(backfills.list(dagId, Paging.limit(limit)).stream()
                .map(b -> BackfillResponse.of(b, null, json)).toList());
    }

    @Operation(summary = "Get a backfill with each of its intervals and their runs")
    @GetMapping("/{backfillId}")
    BackfillResponse get(@PathVariable String dagId, @PathVariable long backfillId) {
        return withIntervals(found(dagId, backfillId, backfills.find(dagId, backfillId)));
    }

    @Operation(summary = "Pause a backfill", description = "It starts no more runs until resumed; runs started go on.")
    @PostMapping("/{backfillId}/pause")
    @RequiresRole(Role.OPERATOR)
    BackfillResponse pause(@PathVariable String dagId, @PathVariable long backfillId) {
        return withIntervals(found(dagId, backfillId, changed(() -> backfills.pause(dagId, backfillId))));
    }

    @Operation(summary = "Resume a paused backfill")
    @PostMapping("/{backfillId}/resume")
    @RequiresRole(Role.OPERATOR)
    BackfillResponse resume(@PathVariable String dagId, @PathVariable long backfillId) {
        return withIntervals(found(dagId, backfillId, changed(() -> backfills.resume(dagId, backfillId))));
    }

    @Operation(summary = "Cancel a backfill", description = "It starts no more runs; runs started go on (cancel"
            + " them as runs to stop them).")
    @PostMapping("/{backfillId}/cancel")
    @RequiresRole(Role.OPERATOR)
    BackfillResponse cancel(@PathVariable String dagId, @PathVariable long backfillId) {
        return withIntervals(found(dagId, backfillId, changed(() -> backfills.cancel(dagId, backfillId))));
    }

    /** A pause, resume or cancel the backfill's state refuses, titled for backfills rather than for runs. */
    private static Optional<BackfillView> changed(Supplier<Optional<BackfillView>> change) {
        try {
            return change.get();
        } catch (RunStateConflictException e) {
            throw ApiException.conflict("backfill-state", "Not possible in the backfill's state", e.getMessage());
        }
    }

    private BackfillResponse withIntervals(BackfillView backfill) {
        return BackfillResponse.of(backfill, backfills.entries(backfill.id()), json);
    }

    private static BackfillView found(String dagId, long backfillId, Optional<BackfillView> backfill) {
        return backfill.orElseThrow(() -> ApiException.notFound("unknown-backfill", "DAG '" + dagId
                + "' has no backfill " + backfillId + "; GET /api/v1/dags/" + dagId + "/backfills lists them"));
    }

    private BackfillRequest request(String dagId, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("invalid-body", "the body must be a JSON object with at least from and to,"
                    + " e.g. {\"from\":\"2026-03-01\",\"to\":\"2026-03-31\"}");
        }
        List<ApiException.FieldError> errors = new ArrayList<>();
        Instant from = date("from", body.get("from"), errors);
        Instant to = date("to", body.get("to"), errors);
        Map<String, Object> conf = Map.of();
        JsonNode confNode = body.get("conf");
        if (confNode != null && !confNode.isNull()) {
            if (confNode.isObject()) {
                conf = json.convertValue(confNode, new TypeReference<Map<String, Object>>() { });
            } else {
                errors.add(new ApiException.FieldError("conf", "must be a JSON object of params"));
            }
        }
        int maxActiveRuns = DEFAULT_MAX_ACTIVE_RUNS;
        JsonNode max = body.get("maxActiveRuns");
        if (max != null && !max.isNull()) {
            if (max.isInt() && max.asInt() >= 1) {
                maxActiveRuns = max.asInt();
            } else {
                errors.add(new ApiException.FieldError("maxActiveRuns", "must be a whole number of at least 1"));
            }
        }
        BackfillPlan.Order order = choice("order", body.get("order"), BackfillPlan.Order.values(),
                BackfillPlan.Order.OLDEST_FIRST, errors);
        BackfillPlan.Reprocess reprocess = choice("reprocess", body.get("reprocess"), BackfillPlan.Reprocess.values(),
                BackfillPlan.Reprocess.SKIP, errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid-backfill", errors);
        }
        return new BackfillRequest(dagId, from, to, conf, maxActiveRuns, order, reprocess);
    }

    private static Instant date(String field, JsonNode node, List<ApiException.FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new ApiException.FieldError(field, "is required: an ISO-8601 instant such as"
                    + " \"2026-03-01T00:00:00Z\" or a date such as \"2026-03-01\""));
            return null;
        }
        String value = node.isString() ? node.asString() : node.toString();
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (DateTimeParseException e) {
            errors.add(new ApiException.FieldError(field, "must be an ISO-8601 instant such as"
                    + " \"2026-03-01T00:00:00Z\" or a date such as \"2026-03-01\", got " + value));
            return null;
        }
    }

    private static <E extends Enum<E>> E choice(String field, JsonNode node, E[] values, E fallback,
                                                List<ApiException.FieldError> errors) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        for (E value : values) {
            if (value.name().toLowerCase(Locale.ROOT).equals(node.asString())) {
                return value;
            }
        }
        errors.add(new ApiException.FieldError(field, "must be one of " + String.join(", ",
                Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList())
                + ", got " + node));
        return null;
    }
}

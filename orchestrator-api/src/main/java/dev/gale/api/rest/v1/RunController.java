package dev.gale.api.rest.v1;

import dev.gale.api.config.GaleSettings;
import dev.gale.api.faults.DatabaseOutage;
import dev.gale.api.security.Role;
import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.RunPage;
import dev.gale.scheduler.service.RunQuery;
import dev.gale.scheduler.service.RunRequest;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.RunWaiter;
import dev.gale.scheduler.service.TriggeredRun;
import dev.gale.sdk.runtime.tracing.Traceparent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** DAG runs: trigger (optionally waiting for the result), read, list, cancel, clear failed tasks, await. */
@RestController
@RequestMapping("/api/v1")
class RunController {
    static final String IDEMPOTENT_REPLAY_HEADER = "Gale-Idempotent-Replay";
    private static final int MAX_NOTE_LENGTH = 2_000;
    private static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;
    private static final String TRIGGER_ROUTE = "POST /api/v1/dags/{dagId}/runs";
    private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> DAG_ID = AttributeKey.stringKey("dag_id");

    private final RunService runs;
    private final RunWaiter waiter;
    private final JsonMapper json;
    private final Duration maxWait;
    private final Tracer tracer;

    RunController(RunService runs, RunWaiter waiter, JsonMapper json, GaleSettings settings,
                  OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.gale.api.rest");
        this.runs = runs;
        this.waiter = waiter;
        this.json = json;
        this.maxWait = settings.maxWait();
    }

    @Operation(summary = "Trigger a run",
            description = "Without wait: 201 with the queued run. With wait (ISO-8601 or simple, e.g. PT30S or 30s):"
                    + " 200 with the finished run and its result, or 202 with Location if it is still running at the"
                    + " deadline."
                    + " The same Idempotency-Key and body return the same run; another body with that key is 409.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
                    content = @Content(schema = @Schema(implementation = TriggerRunRequest.class))))
    @PostMapping("/dags/{dagId}/runs")
    @RequiresRole(Role.OPERATOR)
    ResponseEntity<DagRunResponse> trigger(@PathVariable String dagId,
                                           @RequestParam(name = "wait", required = false) String wait,
                                           @RequestHeader(name = "Idempotency-Key", required = false)
                                           String idempotencyKey,
                                           @RequestHeader(name = Traceparent.KEY, required = false)
                                           String traceparent,
                                           @RequestBody(required = false) JsonNode body) throws InterruptedException {
        // The root of the run's trace, or a child of the caller's span when it sent its traceparent.
        Span span = tracer.spanBuilder(TRIGGER_ROUTE).setSpanKind(SpanKind.SERVER)
                .setParent(Traceparent.parse(traceparent))
                .setAttribute(HTTP_METHOD, "POST").setAttribute(HTTP_ROUTE, "/api/v1/dags/{dagId}/runs")
                .setAttribute(DAG_ID, dagId).startSpan();
        try (Scope scope = span.makeCurrent()) {
            ResponseEntity<DagRunResponse> response = trigger(dagId, wait, idempotencyKey, body);
            span.setAttribute(HTTP_STATUS, (long) response.getStatusCode().value());
            return response;
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.getMessage());
            throw e;
        } finally {
            span.end();
        }
    }

    private ResponseEntity<DagRunResponse> trigger(String dagId, String wait, String idempotencyKey, JsonNode body)
            throws InterruptedException {
        Duration requestedWait = Waits.parse(wait);
        TriggeredRun triggered = runs.trigger(request(dagId, body, idempotencyKey));
        DagRunView run = triggered.run();
        if (requestedWait == null) {
            URI location = location(dagId, run.runId());
            var response = triggered.replayed() ? ResponseEntity.ok().location(location)
                    : ResponseEntity.created(location);
            return replayed(response, triggered).body(DagRunResponse.of(run, json));
        }
        return awaited(dagId, run, requestedWait, triggered);
    }

    /** A trigger answered with the run an earlier request of the same Idempotency-Key created says so. */
    private static ResponseEntity.BodyBuilder replayed(ResponseEntity.BodyBuilder response, TriggeredRun triggered) {
        return triggered.replayed() ? response.header(IDEMPOTENT_REPLAY_HEADER, "true") : response;
    }

    @Operation(summary = "Wait for a run's result",
            description = "200 with the run and its result once it has ended (a failed run is 200 with state"
                    + " failed and the failing task's error), or 202 with Location if it is still running after wait.")
    @GetMapping("/dags/{dagId}/runs/{runId}/result")
    ResponseEntity<DagRunResponse> result(@PathVariable String dagId, @PathVariable String runId,
                                          @RequestParam(name = "wait", required = false) String wait)
            throws InterruptedException {
        Duration requestedWait = Waits.parse(wait);
        DagRunView run = find(dagId, runId);
        return awaited(dagId, run, requestedWait == null ? Duration.ZERO : requestedWait, null);
    }

    @GetMapping("/dags/{dagId}/runs/{runId}")
    DagRunResponse get(@PathVariable String dagId, @PathVariable String runId) {
        return DagRunResponse.of(find(dagId, runId), json);
    }

    @Operation(summary = "List a DAG's runs, newest first")
    @GetMapping("/dags/{dagId}/runs")
    RunListResponse listOfDag(@PathVariable String dagId,
                              @RequestParam(name = "state", required = false) List<String> states,
                              @RequestParam(name = "runType", required = false) List<String> runTypes,
                              @RequestParam(name = "queuedFrom", required = false) String queuedFrom,
                              @RequestParam(name = "queuedTo", required = false) String queuedTo,
                              @RequestParam(name = "cursor", required = false) String cursor,
                              @RequestParam(name = "limit", required = false) Integer limit) {
        return list(List.of(dagId), states, runTypes, queuedFrom, queuedTo, cursor, limit);
    }

    @Operation(summary = "List runs of any DAG, newest first", description = "Filter by dagId, state and runType"
            + " (each may repeat) and by queue time; queuedFrom is inclusive, queuedTo exclusive.")
    @GetMapping("/runs")
    RunListResponse list(@RequestParam(name = "dagId", required = false) List<String> dagIds,
                         @RequestParam(name = "state", required = false) List<String> states,
                         @RequestParam(name = "runType", required = false) List<String> runTypes,
                         @RequestParam(name = "queuedFrom", required = false) String queuedFrom,
                         @RequestParam(name = "queuedTo", required = false) String queuedTo,
                         @RequestParam(name = "cursor", required = false) String cursor,
                         @RequestParam(name = "limit", required = false) Integer limit) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        List<DagRunState> parsedStates = new ArrayList<>();
        for (String state : states == null ? List.<String>of() : states) {
            try {
                parsedStates.add(DagRunState.fromWireName(state));
            } catch (IllegalArgumentException e) {
                errors.add(new ApiException.FieldError("state", "'" + state
                        + "' is not a run state; use queued, running, success, failed or cancelled"));
            }
        }
        Instant from = instant("queuedFrom", queuedFrom, errors);
        Instant to = instant("queuedTo", queuedTo, errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid-query", errors);
        }
        RunPage page = runs.list(new RunQuery(dagIds == null ? List.of() : dagIds, parsedStates,
                runTypes == null ? List.of() : runTypes, from, to, Paging.decode(cursor), Paging.limit(limit)));
        return new RunListResponse(page.runs().stream().map(r -> DagRunResponse.of(r, json)).toList(),
                Paging.encode(page.next()));
    }

    @Operation(summary = "Cancel a run", description = "Task instances not started are skipped; running ones are"
            + " failed and their workers told to stop at their next heartbeat. 409 if the run has ended.")
    @PostMapping("/dags/{dagId}/runs/{runId}/cancel")
    @RequiresRole(Role.OPERATOR)
    @Audited("run.cancel")
    DagRunResponse cancel(@PathVariable String dagId, @PathVariable String runId) {
        return runs.cancel(dagId, runId).map(r -> DagRunResponse.of(r, json))
                .orElseThrow(() -> unknownRun(dagId, runId));
    }

    @Operation(summary = "Clear the failed task instances of an ended run and run them again",
            description = "Clears failed and upstream_failed task instances and everything downstream of them.")
    @PostMapping("/dags/{dagId}/runs/{runId}/clear")
    @RequiresRole(Role.OPERATOR)
    @Audited("run.clear")
    DagRunResponse clear(@PathVariable String dagId, @PathVariable String runId) {
        return runs.clearFailedTasks(dagId, runId).map(r -> DagRunResponse.of(r, json))
                .orElseThrow(() -> unknownRun(dagId, runId));
    }

    /** Waits on the run-finished notification; a client that goes away does not touch the run. */
    private ResponseEntity<DagRunResponse> awaited(String dagId, DagRunView run, Duration requestedWait,
                                                   TriggeredRun triggered) throws InterruptedException {
        Duration effective = Waits.clamp(requestedWait, maxWait);
        DagRunView latest = run.state().isFinished() || effective.isZero() ? run : awaitOrAsItWas(dagId, run, effective);
        var response = ResponseEntity.status(latest.state().isFinished() ? HttpStatus.OK : HttpStatus.ACCEPTED);
        if (!latest.state().isFinished()) {
            response.location(location(dagId, run.runId()));
        }
        Waits.sayIfClamped(response, requestedWait, effective);
        if (triggered != null) {
            replayed(response, triggered);
        }
        return response.body(DagRunResponse.of(latest, json));
    }

    /**
     * The run exists, so an outage while waiting for it is no reason for a 5xx (the client would trigger
     * again and make a second run): the run as it was created is answered, 202 with its Location.
     */
    private DagRunView awaitOrAsItWas(String dagId, DagRunView run, Duration wait) throws InterruptedException {
        try {
            return waiter.await(dagId, run.runId(), wait).orElse(run);
        } catch (RuntimeException e) {
            if (!DatabaseOutage.isOutage(e)) {
                throw e;
            }
            return run;
        }
    }

    private RunRequest request(String dagId, JsonNode body, String idempotencyKey) {
        if (body != null && !body.isNull() && !body.isMissingNode() && !body.isObject()) {
            throw ApiException.badRequest("invalid-body", "The request body must be a JSON object such as"
                    + " {\"conf\": {\"name\": \"Ada\"}}, not " + kind(body) + ".");
        }
        JsonNode object = body == null || !body.isObject() ? json.createObjectNode() : body;
        JsonNode conf = object.get("conf");
        if (conf != null && !conf.isNull() && !conf.isObject()) {
            throw ApiException.badRequest("invalid-conf", "conf must be a JSON object of param values such as"
                    + " {\"name\": \"Ada\"}, not " + kind(conf) + ".");
        }
        List<ApiException.FieldError> errors = new ArrayList<>();
        JsonNode logicalDate = object.get("logicalDate");
        Instant parsedDate = null;
        if (logicalDate != null && !logicalDate.isNull()) {
            parsedDate = logicalDate.isString() ? instant("logicalDate", logicalDate.asString(), errors) : null;
            if (!logicalDate.isString()) {
                errors.add(new ApiException.FieldError("logicalDate", "must be an ISO-8601 instant such as"
                        + " \"2026-01-31T00:00:00Z\", not " + kind(logicalDate)));
            }
        }
        JsonNode note = object.get("note");
        if (note != null && !note.isNull() && (!note.isString() || note.asString().length() > MAX_NOTE_LENGTH)) {
            errors.add(new ApiException.FieldError("note", note.isString()
                    ? "must be at most " + MAX_NOTE_LENGTH + " characters" : "must be a string, not " + kind(note)));
        }
        if (idempotencyKey != null && (idempotencyKey.isBlank()
                || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY_LENGTH)) {
            errors.add(new ApiException.FieldError("Idempotency-Key", "must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH
                    + " characters"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid-body", errors);
        }
        Map<String, Object> confValues = conf == null || conf.isNull() ? Map.of()
                : json.convertValue(conf, new TypeReference<Map<String, Object>>() { });
        return new RunRequest(dagId, confValues, "manual", parsedDate,
                note == null || note.isNull() ? null : note.asString(), idempotencyKey);
    }

    private DagRunView find(String dagId, String runId) {
        return runs.find(dagId, runId).orElseThrow(() -> unknownRun(dagId, runId));
    }

    static ApiException unknownRun(String dagId, String runId) {
        return ApiException.notFound("unknown-run", "DAG '" + dagId + "' has no run '" + runId
                + "'. Runs are listed by GET /api/v1/dags/" + dagId + "/runs.");
    }

    private static URI location(String dagId, String runId) {
        return URI.create("/api/v1/dags/" + dagId + "/runs/" + runId);
    }

    private static Instant instant(String field, String value, List<ApiException.FieldError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            Instant parsed = Instant.parse(value);
            if (Instants.storable(parsed)) {
                return parsed;
            }
            errors.add(new ApiException.FieldError(field, "must be " + Instants.RANGE + ", got '" + value + "'"));
            return null;
        } catch (DateTimeParseException e) {
            errors.add(new ApiException.FieldError(field, "must be an ISO-8601 instant such as"
                    + " \"2026-01-31T00:00:00Z\", got '" + value + "'"));
            return null;
        }
    }

    private static String kind(JsonNode node) {
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isString()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return "null";
    }
}

package dev.gale.api.rest.v1;

import dev.gale.api.config.GaleSettings;
import dev.gale.scheduler.service.DagRunView;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.RunWaiter;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.springframework.http.HttpStatus;
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

/** {@code /api/v1/dags/{dagId}/runs}: trigger runs (optionally waiting for the result) and read them. */
@RestController
@RequestMapping("/api/v1/dags/{dagId}/runs")
class RunController {
    /** Set when a requested wait was longer than the server allows, to the wait actually used. */
    static final String WAIT_CLAMPED_HEADER = "Gale-Wait-Clamped-To";

    private final RunService runs;
    private final RunWaiter waiter;
    private final JsonMapper json;
    private final Duration maxWait;

    RunController(RunService runs, RunWaiter waiter, JsonMapper json, GaleSettings settings) {
        this.runs = runs;
        this.waiter = waiter;
        this.json = json;
        this.maxWait = settings.maxWait();
    }

    /**
     * Triggers a run with {@code {"conf": {...}}}. Without {@code wait}: 201 with the queued run.
     * With {@code wait} (ISO-8601, e.g. {@code PT30S}): 200 with the finished run and its result, or
     * 202 with {@code Location} if it is still running at the deadline.
     */
    @PostMapping
    ResponseEntity<DagRunResponse> trigger(@PathVariable String dagId,
                                           @RequestParam(name = "wait", required = false) String wait,
                                           @RequestBody(required = false) JsonNode body) throws InterruptedException {
        Duration requestedWait = parseWait(wait);
        Map<String, Object> conf = conf(body);
        DagRunView run = runs.trigger(dagId, conf, "manual", null);
        URI location = URI.create("/api/v1/dags/" + dagId + "/runs/" + run.runId());
        if (requestedWait == null) {
            return ResponseEntity.created(location).body(DagRunResponse.of(run, json));
        }
        Duration effective = requestedWait.compareTo(maxWait) > 0 ? maxWait : requestedWait;
        DagRunView latest = waiter.await(dagId, run.runId(), effective).orElse(run);
        var response = ResponseEntity.status(latest.state().isFinished() ? HttpStatus.OK : HttpStatus.ACCEPTED);
        if (!latest.state().isFinished()) {
            response.location(location);
        }
        if (!effective.equals(requestedWait)) {
            response.header(WAIT_CLAMPED_HEADER, effective.toString());
        }
        return response.body(DagRunResponse.of(latest, json));
    }

    @GetMapping("/{runId}")
    DagRunResponse get(@PathVariable String dagId, @PathVariable String runId) {
        return runs.find(dagId, runId).map(r -> DagRunResponse.of(r, json))
                .orElseThrow(() -> ApiException.notFound("unknown-run", "DAG '" + dagId + "' has no run '" + runId
                        + "'. Runs are listed by GET /api/v1/dags/" + dagId + "/runs."));
    }

    private Map<String, Object> conf(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return Map.of();
        }
        if (!body.isObject()) {
            throw ApiException.badRequest("invalid-body", "The request body must be a JSON object such as"
                    + " {\"conf\": {\"name\": \"Ada\"}}, not " + kind(body) + ".");
        }
        JsonNode conf = body.get("conf");
        if (conf == null || conf.isNull()) {
            return Map.of();
        }
        if (!conf.isObject()) {
            throw ApiException.badRequest("invalid-conf", "conf must be a JSON object of param values such as"
                    + " {\"name\": \"Ada\"}, not " + kind(conf) + ".");
        }
        return json.convertValue(conf, new TypeReference<Map<String, Object>>() { });
    }

    private static Duration parseWait(String wait) {
        if (wait == null || wait.isBlank()) {
            return null;
        }
        try {
            Duration duration = Duration.parse(wait);
            if (duration.isNegative()) {
                throw ApiException.badRequest("invalid-wait", "wait must not be negative, got " + wait + ".");
            }
            return duration;
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid-wait", "wait must be an ISO-8601 duration such as PT30S, got '"
                    + wait + "'.");
        }
    }

    private static String kind(JsonNode node) {
        if (node.isArray()) {
            return "an array";
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

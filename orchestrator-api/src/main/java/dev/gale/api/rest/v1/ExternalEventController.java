package dev.gale.api.rest.v1;

import dev.gale.api.security.Role;
import dev.gale.scheduler.service.DeferredTasks;
import io.swagger.v3.oas.annotations.Operation;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /api/v1/events/{key}}: another system wakes the tasks deferred on {@code Trigger.externalEvent(key)}. */
@RestController
class ExternalEventController {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");

    private final DeferredTasks deferred;
    private final JsonMapper json;

    ExternalEventController(DeferredTasks deferred, JsonMapper json) {
        this.deferred = deferred;
        this.json = json;
    }

    record ExternalEventResponse(String key, int woken) {
    }

    @Operation(summary = "Fire an external event", description = "Fires every armed external-event trigger"
            + " waiting on the key (Trigger.externalEvent(key) in the DSL) with the JSON body as its event (absent:"
            + " {}); each deferred task it wakes resumes with that event. 202 with how many tasks it woke (0 when"
            + " none waits: the event is not kept for later). The key: letters, digits, '.', '_', ':' and '-',"
            + " starting with a letter or digit, at most 200 characters. The body must be a JSON object.")
    @PostMapping("/api/v1/events/{key}")
    @RequiresRole(Role.OPERATOR)
    @Audited("event.fire")
    ResponseEntity<ExternalEventResponse> fire(@PathVariable String key,
                                               @RequestBody(required = false) JsonNode body) {
        if (!KEY.matcher(key).matches()) {
            throw ApiException.badRequest("invalid-event-key", "event key '" + key + "' is not valid: use letters,"
                    + " digits, '.', '_', ':' and '-', starting with a letter or digit, at most 200 characters");
        }
        if (body != null && !body.isNull() && !body.isObject()) {
            throw ApiException.badRequest("invalid-event", "the event (the request body) must be a JSON object,"
                    + " e.g. {\"file\": \"s3://bucket/day.csv\"}; got a JSON " + body.getNodeType().name().toLowerCase(
                    java.util.Locale.ROOT));
        }
        String event = body == null || body.isNull() ? "{}" : json.writeValueAsString(body);
        return ResponseEntity.accepted().body(new ExternalEventResponse(key, deferred.fireExternalEvent(key, event)));
    }
}

package dev.gale.scheduler.trigger;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fires when a GET of "url" answers 2xx and, with a "pointer", its JSON body holds "equals" there; polled
 * every "interval" (30 s). The event is the body (a JSON object), else {"status", "body"}.
 */
final class HttpTrigger extends PolledTrigger {
    static final String KIND = "http";
    private static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    HttpTrigger() {
        super(KIND, INTERVAL);
    }

    @Override
    public Map<String, Object> prepare(Map<String, Object> spec, Instant now) {
        String url = Specs.text(KIND, spec, "url");
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new InvalidTriggerException("\"url\" of an 'http' trigger must start with http:// or https://; got "
                    + url);
        }
        Map<String, Object> prepared = new LinkedHashMap<>();
        prepared.put("url", url);
        if (spec.containsKey("pointer")) {
            String pointer = Specs.text(KIND, spec, "pointer");
            if (!pointer.startsWith("/")) {
                throw new InvalidTriggerException("\"pointer\" of an 'http' trigger must be a JSON pointer such as"
                        + " \"/status\"; got " + pointer);
            }
            prepared.put("pointer", pointer);
            prepared.put("equals", spec.get("equals"));
        }
        prepared.put("interval", interval(spec).toString());
        return prepared;
    }

    @Override
    public Optional<Map<String, Object>> check(Map<String, Object> spec, Instant now) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(spec.get("url").toString()))
                .timeout(REQUEST_TIMEOUT).header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            return Optional.empty();
        }
        JsonNode body = parse(response.body());
        if (spec.containsKey("pointer")) {
            if (body == null || !body.at(spec.get("pointer").toString()).equals(JSON.valueToTree(spec.get("equals")))) {
                return Optional.empty();
            }
        }
        if (body != null && body.isObject()) {
            return Optional.of(JSON.treeToValue(body, Map.class));
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("status", response.statusCode());
        event.put("body", response.body());
        return Optional.of(event);
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
    }
}

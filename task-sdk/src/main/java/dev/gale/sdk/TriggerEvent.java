package dev.gale.sdk;

import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** What a fired trigger says, e.g. the file paths it found or an external event's body; {@code json} is a JSON object. */
public record TriggerEvent(String kind, String json) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The event converted to {@code type} (through Jackson). */
    public <T> T as(Class<T> type) {
        return JSON.readValue(json, type);
    }

    /** The event as a map. */
    public Map<String, Object> data() {
        return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
    }

    /** Whether the wait timed out and the trigger fired with its {@code timeoutEvent} instead. */
    public boolean timedOut() {
        return Boolean.TRUE.equals(data().get("timedOut"));
    }
}

package dev.gale.scheduler.trigger;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Fires when {@code POST /api/v1/events/{key}} names its key; never looked at by a scheduler. */
final class ExternalEventTrigger implements TriggerKind {
    static final String KIND = "external_event";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Map<String, Object> prepare(Map<String, Object> spec, Instant now) {
        return Map.of("key", Specs.text(KIND, spec, "key"));
    }

    @Override
    public Instant nextCheck(Map<String, Object> spec, Instant now) {
        return NEVER;
    }

    @Override
    public Optional<Map<String, Object>> check(Map<String, Object> spec, Instant now) {
        return Optional.empty();
    }
}

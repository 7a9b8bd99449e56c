package dev.gale.scheduler.trigger;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Fires at {@code at}, or {@code after} the deferral; looked at once, when due, never polled. */
final class TimeTrigger implements TriggerKind {
    static final String KIND = "time";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Map<String, Object> prepare(Map<String, Object> spec, Instant now) {
        boolean hasAt = spec.containsKey("at");
        boolean hasAfter = spec.containsKey("after");
        if (hasAt == hasAfter) {
            throw new InvalidTriggerException("a 'time' trigger needs exactly one of \"at\" (an instant) and \"after\""
                    + " (a duration such as \"PT2S\"); got " + spec.keySet());
        }
        Instant at = hasAt ? Specs.instant(KIND, spec, "at") : now.plus(Specs.duration(KIND, spec, "after", null));
        return Map.of("at", at.toString());
    }

    @Override
    public Instant nextCheck(Map<String, Object> spec, Instant now) {
        return Specs.instant(KIND, spec, "at");
    }

    @Override
    public Optional<Map<String, Object>> check(Map<String, Object> spec, Instant now) {
        Instant at = Specs.instant(KIND, spec, "at");
        return now.isBefore(at) ? Optional.empty() : Optional.of(Map.of("at", at.toString()));
    }
}

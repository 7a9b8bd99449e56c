package dev.gale.scheduler.trigger;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** Reading the fields of a trigger's spec, with errors that name the kind and the field. */
final class Specs {
    private Specs() {
    }

    static String text(String kind, Map<String, Object> spec, String field) {
        Object value = spec.get(field);
        if (!(value instanceof String s) || s.isBlank()) {
            throw new InvalidTriggerException("a '" + kind + "' trigger needs \"" + field + "\" (a string); got "
                    + value);
        }
        return s;
    }

    static Duration duration(String kind, Map<String, Object> spec, String field, Duration otherwise) {
        Object value = spec.get(field);
        if (value == null) {
            return otherwise;
        }
        try {
            Duration d = Duration.parse(value.toString());
            if (d.isNegative()) {
                throw new InvalidTriggerException("\"" + field + "\" of a '" + kind + "' trigger must not be negative;"
                        + " got " + value);
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new InvalidTriggerException("\"" + field + "\" of a '" + kind + "' trigger must be an ISO-8601"
                    + " duration such as \"PT30S\"; got " + value);
        }
    }

    static Instant instant(String kind, Map<String, Object> spec, String field) {
        String value = text(kind, spec, field);
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidTriggerException("\"" + field + "\" of a '" + kind + "' trigger must be an ISO-8601"
                    + " instant such as \"2026-12-02T14:00:00Z\"; got " + value);
        }
    }

    /** How often a polled kind looks: its "interval", at least a second so that a typo cannot spin a scheduler. */
    static Duration interval(String kind, Map<String, Object> spec, Duration otherwise) {
        Duration interval = duration(kind, spec, "interval", otherwise);
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidTriggerException("\"interval\" of a '" + kind + "' trigger must be at least PT1S; got "
                    + interval);
        }
        return interval;
    }
}

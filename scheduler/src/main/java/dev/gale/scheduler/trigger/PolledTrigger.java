package dev.gale.scheduler.trigger;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** A kind whose condition the schedulers look at every {@code interval}: the spec's, else the kind's default. */
abstract class PolledTrigger implements TriggerKind {
    private final String kind;
    private final Duration defaultInterval;

    PolledTrigger(String kind, Duration defaultInterval) {
        this.kind = kind;
        this.defaultInterval = defaultInterval;
    }

    @Override
    public final String kind() {
        return kind;
    }

    @Override
    public final Instant nextCheck(Map<String, Object> spec, Instant now) {
        return now.plus(interval(spec));
    }

    /** How often to look, from the spec: refused, naming the kind, when it is not a positive duration. */
    final Duration interval(Map<String, Object> spec) {
        return Specs.interval(kind, spec, defaultInterval);
    }
}

package dev.gale.sdk;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The run callbacks a DAG declared, and the queue whose workers run them. Each delivery may run for at
 * most {@link #TIMEOUT}; the server hands a delivery that was not reported within its lease to a worker again.
 */
public record RunCallbacks(Map<Notifier.RunEvent, RunCallback> byEvent, String queue) {
    public static final Duration TIMEOUT = Duration.ofMinutes(1);
    /** The notifier kind the DAG's spec names its run callbacks with; its {@code url} is {@code queue:<name>}. */
    public static final String NOTIFIER_KIND = "callback";
    public static final String QUEUE_PREFIX = "queue:";
    public static final RunCallbacks NONE = new RunCallbacks(Map.of(), "default");

    public RunCallbacks {
        byEvent = byEvent.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(byEvent));
    }

    public Optional<RunCallback> forEvent(Notifier.RunEvent event) {
        return Optional.ofNullable(byEvent.get(event));
    }
}

package dev.gale.scheduler.trigger;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One kind of trigger as the scheduler processes evaluate it. {@code spec} is the trigger's settings as
 * the task gave them (JSON made into maps, lists and scalars), completed by {@link #prepare}.
 */
public interface TriggerKind {
    /** When a kind is never looked at: it fires through an API or its timeout. */
    Instant NEVER = Instant.parse("9999-01-01T00:00:00Z");

    String kind();

    /**
     * Checks the spec and completes what depends on the moment of deferral (e.g. "after" becomes "at",
     * an asset's latest version is remembered), returning the spec to store.
     *
     * @throws InvalidTriggerException naming what is wrong
     */
    Map<String, Object> prepare(Map<String, Object> spec, Instant now);

    /** When to look at the condition first, and again after a look at {@code now} that did not fire. */
    Instant nextCheck(Map<String, Object> spec, Instant now);

    /** The event, when the condition holds now; empty to look again at {@link #nextCheck}. */
    Optional<Map<String, Object>> check(Map<String, Object> spec, Instant now) throws Exception;
}

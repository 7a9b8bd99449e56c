package dev.gale.scheduler.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The triggers deferred task instances wait on, shared by every scheduler process. The state changes
 * are the deferral rows of {@link dev.gale.scheduler.engine.TaskLifecycle}.
 *
 * <p>A fired trigger resumes the same attempt rather than starting a new one: waiting is part of the
 * task's work, not a failure, so it must not use up a retry, and the try number a user sees in the logs
 * stays the one that deferred. The resumed attempt is scheduled again like any ready task (it needs a
 * slot of its pool), with a new task token, and gets the trigger's event as its input.
 */
public interface Deferrals {

    /**
     * Moves the running attempt to {@code deferred}, which frees its worker and pool slot, and arms its
     * trigger, in one transaction.
     *
     * @return the trigger's id; empty when the attempt is not the running one (stale or already ended)
     */
    default Optional<Long> defer(TaskAttempt attempt, String kind, String spec, Instant timeoutAt, Instant now) {
        return defer(attempt, kind, spec, now, timeoutAt, now);
    }

    /**
     * As above, first looking at the trigger at {@code firstCheckAt}: a time trigger's due time, or far in
     * the future for a kind that only fires through an API (an external event, a person's answer).
     */
    Optional<Long> defer(TaskAttempt attempt, String kind, String spec, Instant firstCheckAt, Instant timeoutAt,
                         Instant now);

    /** Whether the attempt is deferred now (a repeated DeferTask is then answered OK). */
    boolean isDeferred(TaskAttempt attempt);

    /** Puts the trigger's next look at {@code at}, for a kind polled at its own interval. */
    void checkAgainAt(long triggerId, Instant at);

    /** The armed external-event triggers waiting on {@code key}. */
    List<ArmedTrigger> armedExternalEvents(String key);

    /**
     * Fires the trigger if it is still armed and schedules its deferred instance again, in one
     * transaction, so that the same attempt resumes once whichever scheduler saw the trigger first.
     *
     * @return whether this call resumed the task
     */
    boolean resume(long triggerId, String event, Instant now);

    /**
     * Stores a trigger for the instance, to be looked at from now on.
     *
     * @param timeoutAt when the wait ends without the trigger; null to wait for ever
     * @return the trigger's id
     */
    default long arm(long taskInstanceId, String kind, String spec, Instant timeoutAt, Instant now) {
        return arm(taskInstanceId, kind, spec, now, timeoutAt, now);
    }

    /** As above, first looked at at {@code firstCheckAt}. */
    long arm(long taskInstanceId, String kind, String spec, Instant firstCheckAt, Instant timeoutAt, Instant now);

    /**
     * Takes up to {@code limit} armed triggers due for a look and puts their next look {@code every}
     * later, skipping those another scheduler is taking at the same moment, so that each is looked at
     * by one scheduler at a time.
     */
    List<ArmedTrigger> takeDue(Instant now, Duration every, int limit);

    /**
     * Fires the trigger with its event (JSON) if it is still armed.
     *
     * @return whether this call fired it: false when it had already fired or was disarmed
     */
    boolean fire(long triggerId, String event, Instant now);

    /**
     * Disarms the instance's armed trigger (its task timed out or was cancelled).
     *
     * @return whether there was one to disarm: false when it had fired first
     */
    boolean disarm(long taskInstanceId, Instant now);

    /** The armed triggers whose timeout has passed, oldest first, at most {@code limit}. */
    List<ArmedTrigger> timedOut(Instant now, int limit);
}

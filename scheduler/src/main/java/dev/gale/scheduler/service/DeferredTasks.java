package dev.gale.scheduler.service;

import dev.gale.scheduler.trigger.InvalidTriggerException;
import dev.gale.scheduler.trigger.TriggerKinds;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Deferring a running attempt on a trigger, and firing triggers from outside the schedulers (an external
 * event). A resumed task is queued at once when its pool has room, rather than at the next scheduling pass.
 */
public final class DeferredTasks {
    private final Deferrals deferrals;
    private final TriggerKinds kinds;
    private final SchedulerStore store;
    private final Clock clock;

    public DeferredTasks(Deferrals deferrals, TriggerKinds kinds, SchedulerStore store, Clock clock) {
        this.deferrals = deferrals;
        this.kinds = kinds;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Defers the running attempt: it becomes {@code deferred}, frees its slots, and waits on its trigger.
     * Repeating a deferral that was recorded is accepted.
     *
     * @param timeoutMs 0 waits for ever
     * @throws InvalidTriggerException when the kind is missing, the spec is not valid for it, or the timeout is negative
     */
    public ReportOutcome defer(TaskAttempt attempt, String kind, String specJson, long timeoutMs) {
        if (kind == null || kind.isBlank()) {
            throw new InvalidTriggerException("a deferral needs a trigger kind, e.g. \"time\"");
        }
        if (timeoutMs < 0) {
            throw new InvalidTriggerException("a deferral's timeout must be 0 (none) or positive; got " + timeoutMs
                    + " ms");
        }
        Instant now = clock.instant();
        TriggerKinds.Prepared prepared = kinds.prepare(kind, specJson, now);
        Optional<Long> trigger = deferrals.defer(attempt, kind, prepared.specJson(), prepared.firstCheckAt(),
                timeoutMs == 0 ? null : now.plusMillis(timeoutMs), now);
        return trigger.isPresent() || deferrals.isDeferred(attempt) ? ReportOutcome.ACCEPTED : ReportOutcome.STALE;
    }

    /**
     * Fires every armed external-event trigger waiting on {@code key} with the event.
     *
     * @return how many deferred tasks it woke
     */
    public int fireExternalEvent(String key, String eventJson) {
        int woken = 0;
        for (ArmedTrigger trigger : deferrals.armedExternalEvents(key)) {
            if (deferrals.resume(trigger.id(), eventJson, clock.instant())) {
                woken++;
            }
        }
        if (woken > 0) {
            store.queueScheduledTasks();
        }
        return woken;
    }

    /** Fires one trigger with its event and queues the task it resumed; false when it had fired or was disarmed. */
    public boolean resume(long triggerId, String eventJson) {
        boolean resumed = deferrals.resume(triggerId, eventJson, clock.instant());
        if (resumed) {
            store.queueScheduledTasks();
        }
        return resumed;
    }
}

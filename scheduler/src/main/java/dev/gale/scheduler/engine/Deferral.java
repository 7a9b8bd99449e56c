package dev.gale.scheduler.engine;

import static dev.gale.scheduler.engine.TaskInstanceState.DEFERRED;
import static dev.gale.scheduler.engine.TaskInstanceState.FAILED;
import static dev.gale.scheduler.engine.TaskInstanceState.RUNNING;
import static dev.gale.scheduler.engine.TaskInstanceState.SCHEDULED;
import static dev.gale.scheduler.engine.TaskInstanceState.SUCCESS;

import java.util.List;
import java.util.Optional;

/**
 * The lifecycle of a deferred task instance as a table {@code (state, event) → (state, effects)}: a
 * running attempt that asks to wait for a trigger gives its worker slot back at once and waits in
 * {@code deferred}; the trigger firing, its timeout, or a cancel of the run ends the wait.
 *
 * <p>A fired trigger resumes the same attempt rather than starting a new one: waiting is part of the
 * task's work, not a failure, so it must not use up a retry, and the try number a user sees in the logs
 * stays the one that deferred. The resumed attempt is scheduled again like any ready task (it needs a
 * slot of its pool), with a new task token, and gets the trigger's event as its input.
 */
public final class Deferral {

    /** What happens to a task instance that bears on its deferral. */
    public enum Event {
        /** The running attempt asked to wait for a trigger. */
        DEFER,
        /** The trigger's condition became true; its event is the resumed attempt's input. */
        TRIGGER_FIRED,
        /** The wait ran past its timeout and the deferral named an outcome to take then. */
        TIMED_OUT_WITH_DEFAULT,
        /** The wait ran past its timeout and the deferral named no outcome. */
        TIMED_OUT,
        /** The task's run was cancelled while the task waited. */
        RUN_CANCELLED
    }

    /** What the service applying a transition must do besides changing the state. */
    public enum Effect {
        /** The worker slot and pool slot of the attempt are free for other tasks. */
        RELEASE_SLOT,
        /** The trigger is stored so that a scheduler evaluates it until it fires or is disarmed. */
        ARM_TRIGGER,
        /** The trigger is no longer evaluated and can never fire for this wait. */
        DISARM_TRIGGER,
        /** The trigger's event is stored as the input of the resumed attempt, whose try number is kept. */
        RESUME_WITH_EVENT,
        /** The deferral's default outcome is recorded as the task's output. */
        RECORD_DEFAULT_OUTCOME,
        /** A failure is recorded that names the timeout, so that retries and trigger rules apply as usual. */
        RECORD_TIMEOUT_FAILURE,
        /** A failure is recorded that names the cancel. */
        RECORD_CANCEL_FAILURE
    }

    /** One row of the table. */
    public record Transition(TaskInstanceState from, Event event, TaskInstanceState to, List<Effect> effects) {
        public Transition {
            effects = List.copyOf(effects);
        }
    }

    /** Every state change a deferral makes; anything not here leaves the instance as it is. */
    public static final List<Transition> TABLE = List.of(
            new Transition(RUNNING, Event.DEFER, DEFERRED, List.of(Effect.RELEASE_SLOT, Effect.ARM_TRIGGER)),
            new Transition(DEFERRED, Event.TRIGGER_FIRED, SCHEDULED,
                    List.of(Effect.DISARM_TRIGGER, Effect.RESUME_WITH_EVENT)),
            new Transition(DEFERRED, Event.TIMED_OUT_WITH_DEFAULT, SUCCESS,
                    List.of(Effect.DISARM_TRIGGER, Effect.RECORD_DEFAULT_OUTCOME)),
            new Transition(DEFERRED, Event.TIMED_OUT, FAILED,
                    List.of(Effect.DISARM_TRIGGER, Effect.RECORD_TIMEOUT_FAILURE)),
            // A deferred task has started its work, so a cancel fails it as it fails a running one.
            new Transition(DEFERRED, Event.RUN_CANCELLED, FAILED,
                    List.of(Effect.DISARM_TRIGGER, Effect.RECORD_CANCEL_FAILURE)));

    private Deferral() {
    }

    /**
     * @return the transition for the event in the state, empty when the event does not apply (a trigger
     *     firing for a task a cancel already failed, a second fire after the first resumed it)
     */
    public static Optional<Transition> on(TaskInstanceState state, Event event) {
        return TABLE.stream().filter(t -> t.from() == state && t.event() == event).findFirst();
    }
}

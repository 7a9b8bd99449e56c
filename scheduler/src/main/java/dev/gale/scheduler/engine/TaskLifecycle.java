package dev.gale.scheduler.engine;

import static dev.gale.scheduler.engine.TaskInstanceState.*;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The task instance's lifecycle as data, in the style of Temporal's StateMachineDefinition: a table
 * of rows (state, event, guard) to (next state, effects). {@link #decide} only reads it; whoever
 * applies the decision does so with {@code UPDATE ... WHERE state = :from}, so a row that lost a race
 * changes nothing.
 */
public final class TaskLifecycle {

    /** What applying a transition must do besides setting the state. */
    public enum Effect { RECORD_QUEUED, NOTIFY_WORKERS, ISSUE_FENCING_TOKEN, RECORD_START, RECORD_END, RELEASE_SLOT,
        SCHEDULE_RETRY, BUMP_TRY, STOP_ATTEMPT, RESET_TRIES, REOPEN_RUN, ARM_TRIGGER }

    /** When a row applies: failures go to up_for_retry while tries are left, else to failed. */
    public enum Guard { ALWAYS, RETRIES_LEFT, NO_RETRIES_LEFT }

    /** One row of the table. */
    public record Transition(TaskInstanceState from, LifecycleEvent event, Guard guard,
                             TaskInstanceState to, Set<Effect> effects) {
        public String dot() {
            return from.wireName() + " -> " + to.wireName() + " [label=\"" + event.name().toLowerCase(java.util.Locale.ROOT)
                    + (guard == Guard.ALWAYS ? "" : " / " + guard.name().toLowerCase(java.util.Locale.ROOT)) + "\"]";
        }
    }

    /** What {@link #decide} reads of an instance. */
    public record Snapshot(TaskInstanceState state, int tryNumber, int maxTries) {
        boolean retriesLeft() {
            return tryNumber < maxTries;
        }
    }

    /** The commands for one event: move from {@code from} to {@code to} at {@code at} and do {@code effects}. */
    public record TaskDecision(Transition transition, Instant at) {
        public TaskInstanceState from() {
            return transition.from();
        }

        public TaskInstanceState to() {
            return transition.to();
        }

        public Set<Effect> effects() {
            return transition.effects();
        }
    }

    /** Rows that only deferral enters; {@code DEFERRED} is entered nowhere else. */
    public static final Set<LifecycleEvent> DEFERRAL_EVENTS =
            EnumSet.of(LifecycleEvent.DEFER, LifecycleEvent.TRIGGER_FIRED, LifecycleEvent.DEFER_TIMED_OUT);

    private static final List<Transition> TABLE = table();
    /** The rows by the state they leave, so that a decision on the scheduler's hot path reads a few rows, not all. */
    private static final java.util.Map<TaskInstanceState, List<Transition>> BY_STATE = TABLE.stream()
            .collect(java.util.stream.Collectors.groupingBy(Transition::from,
                    () -> new java.util.EnumMap<>(TaskInstanceState.class), java.util.stream.Collectors.toList()));

    private final Consumer<Transition> visits;

    public TaskLifecycle() {
        this(row -> { });
    }

    /** @param visits told of every row that {@link #decide} chooses (the coverage test counts them) */
    public TaskLifecycle(Consumer<Transition> visits) {
        this.visits = visits;
    }

    public static List<Transition> rows() {
        return TABLE;
    }

    /** The row for this event in the instance's state, or empty when the event does not apply there. */
    public Optional<TaskDecision> decide(Snapshot snapshot, LifecycleEvent event, Instant now) {
        for (Transition row : BY_STATE.getOrDefault(snapshot.state(), List.of())) {
            if (row.event() == event && applies(row.guard(), snapshot)) {
                visits.accept(row);
                return Optional.of(new TaskDecision(row, now));
            }
        }
        return Optional.empty();
    }

    private static boolean applies(Guard guard, Snapshot snapshot) {
        return switch (guard) {
            case ALWAYS -> true;
            case RETRIES_LEFT -> snapshot.retriesLeft();
            case NO_RETRIES_LEFT -> !snapshot.retriesLeft();
        };
    }

    private static List<Transition> table() {
        List<Transition> t = new ArrayList<>();
        row(t, NONE, LifecycleEvent.UPSTREAM_MET, QUEUED, Effect.RECORD_QUEUED, Effect.NOTIFY_WORKERS);
        row(t, NONE, LifecycleEvent.UPSTREAM_MET_LIMITED, SCHEDULED);
        row(t, NONE, LifecycleEvent.UPSTREAM_SKIPPED, SKIPPED, Effect.RECORD_END);
        row(t, NONE, LifecycleEvent.UPSTREAM_FAILED, UPSTREAM_FAILED, Effect.RECORD_END);
        row(t, SCHEDULED, LifecycleEvent.SLOT_GRANTED, QUEUED, Effect.RECORD_QUEUED, Effect.NOTIFY_WORKERS);
        row(t, QUEUED, LifecycleEvent.CLAIM, RUNNING, Effect.ISSUE_FENCING_TOKEN);
        row(t, RUNNING, LifecycleEvent.START, RUNNING, Effect.RECORD_START);
        row(t, RUNNING, LifecycleEvent.SUCCEED, SUCCESS, Effect.RECORD_END, Effect.RELEASE_SLOT);
        for (LifecycleEvent failure : List.of(LifecycleEvent.FAIL, LifecycleEvent.HEARTBEAT_LOST, LifecycleEvent.TIMED_OUT)) {
            t.add(new Transition(RUNNING, failure, Guard.RETRIES_LEFT, UP_FOR_RETRY,
                    EnumSet.of(Effect.RELEASE_SLOT, Effect.SCHEDULE_RETRY)));
            t.add(new Transition(RUNNING, failure, Guard.NO_RETRIES_LEFT, FAILED,
                    EnumSet.of(Effect.RELEASE_SLOT, Effect.RECORD_END)));
        }
        row(t, UP_FOR_RETRY, LifecycleEvent.RETRY_DUE, QUEUED, Effect.BUMP_TRY, Effect.RECORD_QUEUED, Effect.NOTIFY_WORKERS);
        row(t, QUEUED, LifecycleEvent.GPU_WAIT_EXPIRED, FAILED, Effect.RECORD_END);
        row(t, RUNNING, LifecycleEvent.DRAIN, QUEUED, Effect.RELEASE_SLOT, Effect.RECORD_QUEUED, Effect.NOTIFY_WORKERS);
        // Failing a running attempt is what makes its next heartbeat answer "stop"; the others never ran.
        row(t, RUNNING, LifecycleEvent.CANCEL, FAILED, Effect.STOP_ATTEMPT, Effect.RELEASE_SLOT, Effect.RECORD_END);
        for (TaskInstanceState waiting : List.of(NONE, SCHEDULED, QUEUED, UP_FOR_RETRY, DEFERRED)) {
            row(t, waiting, LifecycleEvent.CANCEL, SKIPPED, Effect.RECORD_END);
        }
        for (TaskInstanceState done : List.of(SUCCESS, FAILED, SKIPPED, UPSTREAM_FAILED)) {
            row(t, done, LifecycleEvent.CLEAR, NONE, Effect.RESET_TRIES, Effect.REOPEN_RUN);
        }
        // Marking a deferred task ends its wait: its trigger is disarmed with it (V24).
        for (TaskInstanceState any : List.of(NONE, SCHEDULED, QUEUED, RUNNING, UP_FOR_RETRY, DEFERRED, FAILED, SKIPPED,
                UPSTREAM_FAILED)) {
            row(t, any, LifecycleEvent.MARK_SUCCESS, SUCCESS, Effect.STOP_ATTEMPT, Effect.RECORD_END, Effect.REOPEN_RUN);
        }
        for (TaskInstanceState any : List.of(NONE, SCHEDULED, QUEUED, RUNNING, UP_FOR_RETRY, DEFERRED, SUCCESS, SKIPPED,
                UPSTREAM_FAILED)) {
            row(t, any, LifecycleEvent.MARK_FAILED, FAILED, Effect.STOP_ATTEMPT, Effect.RECORD_END, Effect.REOPEN_RUN);
        }
        // A deferred instance holds no worker slot; the same attempt resumes when its trigger fires (or fires
        // its timeoutEvent), so neither the deferral nor the resume uses up a try.
        row(t, RUNNING, LifecycleEvent.DEFER, DEFERRED, Effect.RELEASE_SLOT, Effect.ARM_TRIGGER);
        row(t, DEFERRED, LifecycleEvent.TRIGGER_FIRED, SCHEDULED);
        row(t, DEFERRED, LifecycleEvent.DEFER_TIMED_OUT, FAILED, Effect.RECORD_END);
        return Collections.unmodifiableList(t);
    }

    private static void row(List<Transition> t, TaskInstanceState from, LifecycleEvent event, TaskInstanceState to,
                            Effect... effects) {
        Set<Effect> set = EnumSet.noneOf(Effect.class);
        Collections.addAll(set, effects);
        t.add(new Transition(from, event, Guard.ALWAYS, to, Collections.unmodifiableSet(set)));
    }
}

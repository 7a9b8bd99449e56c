package dev.gale.scheduler.engine;

import static dev.gale.scheduler.engine.TaskInstanceState.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.scheduler.engine.TaskLifecycle.Effect;
import dev.gale.scheduler.engine.TaskLifecycle.Snapshot;
import dev.gale.scheduler.engine.TaskLifecycle.Transition;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class TaskLifecycleTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final Set<Transition> VISITED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final TaskLifecycle lifecycle = new TaskLifecycle(VISITED::add);

    private TaskInstanceState walk(TaskInstanceState start, int maxTries, LifecycleEvent... events) {
        TaskInstanceState state = start;
        int tryNumber = 1;
        for (LifecycleEvent event : events) {
            var decision = lifecycle.decide(new Snapshot(state, tryNumber, maxTries), event, NOW).orElseThrow(
                    () -> new AssertionError("no row for " + event));
            if (decision.effects().contains(Effect.BUMP_TRY)) {
                tryNumber++;
            }
            state = decision.to();
        }
        return state;
    }

    @Test
    void aTaskRunsToSuccessThroughItsPoolSlot() {
        assertThat(walk(NONE, 1, LifecycleEvent.UPSTREAM_MET_LIMITED, LifecycleEvent.SLOT_GRANTED, LifecycleEvent.CLAIM,
                LifecycleEvent.START, LifecycleEvent.SUCCEED)).isEqualTo(SUCCESS);
        assertThat(walk(NONE, 1, LifecycleEvent.UPSTREAM_MET)).isEqualTo(QUEUED);
    }

    @Test
    void failuresRetryWhileTriesAreLeftThenFail() {
        for (LifecycleEvent failure : List.of(LifecycleEvent.FAIL, LifecycleEvent.HEARTBEAT_LOST, LifecycleEvent.TIMED_OUT)) {
            assertThat(walk(QUEUED, 2, LifecycleEvent.CLAIM, failure, LifecycleEvent.RETRY_DUE,
                    LifecycleEvent.CLAIM, failure)).as(failure.name()).isEqualTo(FAILED);
        }
    }

    @Test
    void aRetryReleasesTheSlotAndSchedulesTheNextTry() {
        var decision = lifecycle.decide(new Snapshot(RUNNING, 1, 3), LifecycleEvent.FAIL, NOW).orElseThrow();
        assertThat(decision.to()).isEqualTo(UP_FOR_RETRY);
        assertThat(decision.effects()).contains(Effect.RELEASE_SLOT, Effect.SCHEDULE_RETRY).doesNotContain(Effect.RECORD_END);
        assertThat(decision.at()).isEqualTo(NOW);
    }

    @Test
    void upstreamOutcomesSkipOrFailAWaitingTask() {
        assertThat(walk(NONE, 1, LifecycleEvent.UPSTREAM_SKIPPED)).isEqualTo(SKIPPED);
        assertThat(walk(NONE, 1, LifecycleEvent.UPSTREAM_FAILED)).isEqualTo(UPSTREAM_FAILED);
    }

    @Test
    void aDrainedWorkerPutsItsTaskBackInTheQueueWithoutUsingATry() {
        var decision = lifecycle.decide(new Snapshot(RUNNING, 1, 1), LifecycleEvent.DRAIN, NOW).orElseThrow();
        assertThat(decision.to()).isEqualTo(QUEUED);
        assertThat(decision.effects()).doesNotContain(Effect.BUMP_TRY, Effect.SCHEDULE_RETRY);
    }

    @Test
    void aGpuTaskThatWaitedTooLongFails() {
        assertThat(walk(QUEUED, 3, LifecycleEvent.GPU_WAIT_EXPIRED)).isEqualTo(FAILED);
    }

    @Test
    void cancellingStopsTheRunningAttemptAndSkipsTheRest() {
        assertThat(lifecycle.decide(new Snapshot(RUNNING, 1, 1), LifecycleEvent.CANCEL, NOW).orElseThrow().effects())
                .contains(Effect.STOP_ATTEMPT);
        assertThat(walk(RUNNING, 1, LifecycleEvent.CANCEL)).isEqualTo(FAILED);
        for (TaskInstanceState waiting : List.of(NONE, SCHEDULED, QUEUED, UP_FOR_RETRY)) {
            assertThat(walk(waiting, 1, LifecycleEvent.CANCEL)).as(waiting.name()).isEqualTo(SKIPPED);
        }
    }

    @Test
    void aDeferredTaskFreesItsSlotAndResumesAsTheSameTryOrFailsOnTimeoutOrIsCancelled() {
        var defer = lifecycle.decide(new Snapshot(RUNNING, 1, 3), LifecycleEvent.DEFER, NOW).orElseThrow();
        assertThat(defer.to()).isEqualTo(DEFERRED);
        assertThat(defer.effects()).contains(Effect.RELEASE_SLOT, Effect.ARM_TRIGGER).doesNotContain(Effect.RECORD_END);
        var fired = lifecycle.decide(new Snapshot(DEFERRED, 1, 3), LifecycleEvent.TRIGGER_FIRED, NOW).orElseThrow();
        assertThat(fired.to()).isEqualTo(SCHEDULED);
        assertThat(fired.effects()).doesNotContain(Effect.BUMP_TRY, Effect.SCHEDULE_RETRY);
        assertThat(walk(RUNNING, 3, LifecycleEvent.DEFER, LifecycleEvent.TRIGGER_FIRED, LifecycleEvent.SLOT_GRANTED,
                LifecycleEvent.CLAIM, LifecycleEvent.SUCCEED)).isEqualTo(SUCCESS);
        assertThat(walk(RUNNING, 3, LifecycleEvent.DEFER, LifecycleEvent.DEFER_TIMED_OUT))
                .as("a timeout fails without retry, tries left or not").isEqualTo(FAILED);
        assertThat(walk(DEFERRED, 1, LifecycleEvent.CANCEL)).isEqualTo(SKIPPED);
        assertThat(lifecycle.decide(new Snapshot(DEFERRED, 1, 1), LifecycleEvent.SUCCEED, NOW))
                .as("a deferred attempt has no worker to report").isEmpty();
    }

    @Test
    void aFinishedTaskDoesNotChangeOnCancel() {
        assertThat(lifecycle.decide(new Snapshot(SUCCESS, 1, 1), LifecycleEvent.CANCEL, NOW)).isEmpty();
    }

    @Test
    void clearingAFinishedTaskReopensIt() {
        for (TaskInstanceState done : List.of(SUCCESS, FAILED, SKIPPED, UPSTREAM_FAILED)) {
            var decision = lifecycle.decide(new Snapshot(done, 2, 2), LifecycleEvent.CLEAR, NOW).orElseThrow();
            assertThat(decision.to()).as(done.name()).isEqualTo(NONE);
            assertThat(decision.effects()).contains(Effect.RESET_TRIES, Effect.REOPEN_RUN);
        }
        assertThat(lifecycle.decide(new Snapshot(RUNNING, 1, 1), LifecycleEvent.CLEAR, NOW)).isEmpty();
    }

    @Test
    void markingSetsTheOutcomeFromAnyOtherState() {
        for (TaskInstanceState state : List.of(NONE, SCHEDULED, QUEUED, RUNNING, UP_FOR_RETRY, DEFERRED, FAILED, SKIPPED,
                UPSTREAM_FAILED)) {
            assertThat(walk(state, 1, LifecycleEvent.MARK_SUCCESS)).as(state.name()).isEqualTo(SUCCESS);
        }
        for (TaskInstanceState state : List.of(NONE, SCHEDULED, QUEUED, RUNNING, UP_FOR_RETRY, DEFERRED, SUCCESS, SKIPPED,
                UPSTREAM_FAILED)) {
            assertThat(walk(state, 1, LifecycleEvent.MARK_FAILED)).as(state.name()).isEqualTo(FAILED);
        }
        assertThat(lifecycle.decide(new Snapshot(SUCCESS, 1, 1), LifecycleEvent.MARK_SUCCESS, NOW)).isEmpty();
    }

    @Test
    void everyStateButRemovedIsEnteredOrLeftByARow() {
        Set<TaskInstanceState> touched = TaskLifecycle.rows().stream()
                .flatMap(row -> java.util.stream.Stream.of(row.from(), row.to())).collect(Collectors.toSet());
        assertThat(touched).containsAll(Set.of(TaskInstanceState.values()).stream()
                .filter(s -> s != REMOVED).toList());
    }

    @AfterAll
    static void everyRowWasExercised() {
        Set<Transition> unvisited = new LinkedHashSet<>(TaskLifecycle.rows());
        unvisited.removeAll(VISITED);
        assertThat(unvisited).as(() -> "rows no test exercised:\ndigraph unvisited {\n"
                + unvisited.stream().map(row -> "  " + row.dot()).collect(Collectors.joining(";\n")) + ";\n}")
                .isEmpty();
    }
}

package dev.gale.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.scheduler.engine.Deferral.Effect;
import dev.gale.scheduler.engine.Deferral.Event;
import dev.gale.scheduler.engine.Deferral.Transition;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class DeferralTest {
    private static final Set<Transition> VISITED = new HashSet<>();

    private static Transition take(TaskInstanceState from, Event event) {
        Transition t = Deferral.on(from, event).orElseThrow();
        VISITED.add(t);
        return t;
    }

    @Test
    void aDeferringAttemptGivesItsSlotBackAndWaits() {
        Transition t = take(TaskInstanceState.RUNNING, Event.DEFER);
        assertThat(t.to()).isEqualTo(TaskInstanceState.DEFERRED);
        assertThat(t.effects()).containsExactly(Effect.RELEASE_SLOT, Effect.ARM_TRIGGER);
    }

    @Test
    void aFiredTriggerSchedulesTheSameAttemptWithTheEventAsInput() {
        Transition t = take(TaskInstanceState.DEFERRED, Event.TRIGGER_FIRED);
        assertThat(t.to()).isEqualTo(TaskInstanceState.SCHEDULED);
        assertThat(t.effects()).containsExactly(Effect.DISARM_TRIGGER, Effect.RESUME_WITH_EVENT);
    }

    @Test
    void aTimeoutTakesTheDefaultOutcomeWhenThereIsOneAndFailsOtherwise() {
        Transition withDefault = take(TaskInstanceState.DEFERRED, Event.TIMED_OUT_WITH_DEFAULT);
        assertThat(withDefault.to()).isEqualTo(TaskInstanceState.SUCCESS);
        assertThat(withDefault.effects()).contains(Effect.RECORD_DEFAULT_OUTCOME, Effect.DISARM_TRIGGER);

        Transition without = take(TaskInstanceState.DEFERRED, Event.TIMED_OUT);
        assertThat(without.to()).isEqualTo(TaskInstanceState.FAILED);
        assertThat(without.effects()).contains(Effect.RECORD_TIMEOUT_FAILURE, Effect.DISARM_TRIGGER);
    }

    @Test
    void aCancelWhileDeferredFailsTheTaskAndDisarmsItsTrigger() {
        Transition t = take(TaskInstanceState.DEFERRED, Event.RUN_CANCELLED);
        assertThat(t.to()).isEqualTo(TaskInstanceState.FAILED);
        assertThat(t.effects()).containsExactly(Effect.DISARM_TRIGGER, Effect.RECORD_CANCEL_FAILURE);
    }

    @Test
    void aTriggerFiresAtMostOnceAndNotForATaskThatNoLongerWaits() {
        for (TaskInstanceState state : EnumSet.complementOf(EnumSet.of(TaskInstanceState.DEFERRED))) {
            assertThat(Deferral.on(state, Event.TRIGGER_FIRED)).as(state.name()).isEmpty();
            assertThat(Deferral.on(state, Event.TIMED_OUT)).as(state.name()).isEmpty();
            assertThat(Deferral.on(state, Event.RUN_CANCELLED)).as(state.name()).isEmpty();
        }
        assertThat(Deferral.on(TaskInstanceState.QUEUED, Event.DEFER)).isEmpty();
        assertThat(Deferral.on(TaskInstanceState.DEFERRED, Event.DEFER)).isEmpty();
    }

    @Test
    void eachStateAndEventHasAtMostOneRow() {
        assertThat(Deferral.TABLE.stream().map(t -> t.from() + "/" + t.event()).distinct())
                .hasSize(Deferral.TABLE.size());
    }

    @AfterAll
    static void everyRowOfTheTableWasVisited() {
        assertThat(VISITED).containsExactlyInAnyOrderElementsOf(Deferral.TABLE);
    }
}

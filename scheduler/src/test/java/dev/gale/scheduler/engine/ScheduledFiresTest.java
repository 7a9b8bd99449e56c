package dev.gale.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The catchup rule, decided with a clock moved by hand over an hourly schedule (fires on the hour). */
class ScheduledFiresTest {
    private static final Instant MIDNIGHT = Instant.parse("2026-03-01T00:00:00Z");
    private static final FireTimes HOURLY = after -> Optional.of(
            after.truncatedTo(java.time.temporal.ChronoUnit.HOURS).plus(Duration.ofHours(1)));

    private static Instant at(int hour, int minute) {
        return MIDNIGHT.plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(minute));
    }

    private static CronSchedule hourly(boolean catchup) {
        return new CronSchedule(HOURLY, catchup, null, null);
    }

    @Test
    void givenThreeMissedIntervalsWhenCatchupIsOnThenEachGetsItsRunOldestFirst() {
        List<Instant> due = ScheduledFires.due(hourly(true), Optional.of(at(1, 0)), MIDNIGHT, at(4, 10), 100);

        assertThat(due).containsExactly(at(2, 0), at(3, 0), at(4, 0));
    }

    @Test
    void givenThreeMissedIntervalsWhenCatchupIsOffThenOnlyTheLatestGetsARun() {
        List<Instant> due = ScheduledFires.due(hourly(false), Optional.of(at(1, 0)), MIDNIGHT, at(4, 10), 100);

        assertThat(due).containsExactly(at(4, 0));
    }

    @Test
    void givenTheLatestFireHasItsRunThenNothingIsDueUntilTheNextFire() {
        assertThat(ScheduledFires.due(hourly(true), Optional.of(at(4, 0)), MIDNIGHT, at(4, 59), 100)).isEmpty();
        assertThat(ScheduledFires.due(hourly(false), Optional.of(at(4, 0)), MIDNIGHT, at(4, 59), 100)).isEmpty();
        assertThat(ScheduledFires.due(hourly(true), Optional.of(at(4, 0)), MIDNIGHT, at(5, 0), 100))
                .containsExactly(at(5, 0));
    }

    @Test
    void givenANewDagWithoutStartDateThenItIsScheduledFromWhenGaleFirstSawIt() {
        Instant firstSeen = at(2, 30);

        assertThat(ScheduledFires.due(hourly(true), Optional.empty(), firstSeen, at(2, 59), 100)).isEmpty();
        assertThat(ScheduledFires.due(hourly(true), Optional.empty(), firstSeen, at(4, 1), 100))
                .containsExactly(at(3, 0), at(4, 0));
    }

    @Test
    void givenAStartDateInThePastThenCatchupRunsFromItAndWithoutCatchupOnlyTheLatest() {
        CronSchedule withStart = new CronSchedule(HOURLY, true, at(1, 0), null);
        CronSchedule withoutCatchup = new CronSchedule(HOURLY, false, at(1, 0), null);

        assertThat(ScheduledFires.due(withStart, Optional.empty(), at(5, 30), at(3, 30), 100))
                .as("the start date counts, not when Gale first saw the DAG").containsExactly(at(1, 0), at(2, 0),
                        at(3, 0));
        assertThat(ScheduledFires.due(withoutCatchup, Optional.empty(), at(5, 30), at(3, 30), 100))
                .containsExactly(at(3, 0));
    }

    @Test
    void givenAStartDateInTheFutureThenNothingFiresBeforeIt() {
        CronSchedule schedule = new CronSchedule(HOURLY, true, at(6, 0), null);

        assertThat(ScheduledFires.due(schedule, Optional.empty(), MIDNIGHT, at(5, 59), 100)).isEmpty();
        assertThat(ScheduledFires.due(schedule, Optional.empty(), MIDNIGHT, at(6, 0), 100)).containsExactly(at(6, 0));
    }

    @Test
    void givenAnEndDateThenNoFireAfterItGetsARun() {
        CronSchedule schedule = new CronSchedule(HOURLY, true, null, at(3, 0));

        assertThat(ScheduledFires.due(schedule, Optional.of(at(1, 0)), MIDNIGHT, at(9, 0), 100))
                .containsExactly(at(2, 0), at(3, 0));
        assertThat(ScheduledFires.due(new CronSchedule(HOURLY, false, null, at(3, 0)), Optional.of(at(1, 0)),
                MIDNIGHT, at(9, 0), 100)).containsExactly(at(3, 0));
        assertThat(ScheduledFires.due(schedule, Optional.of(at(3, 0)), MIDNIGHT, at(9, 0), 100)).isEmpty();
    }

    @Test
    void givenMoreMissedFiresThanTheLimitThenTheOldestAreDueFirstAndTheRestNextTime() {
        List<Instant> first = ScheduledFires.due(hourly(true), Optional.of(MIDNIGHT), MIDNIGHT, at(10, 0), 4);
        List<Instant> next = ScheduledFires.due(hourly(true), Optional.of(first.getLast()), MIDNIGHT, at(10, 0), 4);

        assertThat(first).containsExactly(at(1, 0), at(2, 0), at(3, 0), at(4, 0));
        assertThat(next).containsExactly(at(5, 0), at(6, 0), at(7, 0), at(8, 0));
    }

    @Test
    void theDataIntervalOfARunStartsAtTheFireBeforeItsLogicalDate() {
        assertThat(hourly(true).intervalStart(at(4, 0))).isEqualTo(at(3, 0));
        FireTimes daily = after -> Optional.of(after.truncatedTo(java.time.temporal.ChronoUnit.DAYS)
                .plus(Duration.ofDays(1)));
        assertThat(new CronSchedule(daily, false, null, null).intervalStart(Instant.parse("2026-03-02T00:00:00Z")))
                .isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    }

    @Test
    void firesBetweenListsTheFireTimesOfARangeWithBothEndsIncluded() {
        assertThat(hourly(false).firesBetween(at(1, 0), at(3, 0), 100)).containsExactly(at(1, 0), at(2, 0), at(3, 0));
        assertThat(hourly(false).firesBetween(at(1, 1), at(2, 59), 100)).containsExactly(at(2, 0));
    }
}

package dev.gale.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.scheduler.engine.BackfillPlan.Entry;
import dev.gale.scheduler.engine.BackfillPlan.Order;
import dev.gale.scheduler.engine.BackfillPlan.Reprocess;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackfillPlanTest {
    private static final Instant D1 = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant D2 = Instant.parse("2026-03-02T00:00:00Z");
    private static final Instant D3 = Instant.parse("2026-03-03T00:00:00Z");
    private static final Instant D4 = Instant.parse("2026-03-04T00:00:00Z");
    /** D1 succeeded, D2 failed, D3 is running, D4 has no run. */
    private static final Map<Instant, DagRunState> EXISTING = Map.of(D1, DagRunState.SUCCESS, D2, DagRunState.FAILED,
            D3, DagRunState.RUNNING);

    private static List<Instant> run(Reprocess reprocess) {
        return BackfillPlan.plan(List.of(D1, D2, D3, D4), EXISTING, reprocess, Order.OLDEST_FIRST).stream()
                .filter(Entry::runs).map(Entry::logicalDate).toList();
    }

    @Test
    void skipRunsOnlyIntervalsWithoutARun() {
        assertThat(run(Reprocess.SKIP)).containsExactly(D4);
    }

    @Test
    void rerunFailedAlsoRunsIntervalsWhoseLatestRunFailed() {
        assertThat(run(Reprocess.FAILED)).containsExactly(D2, D4);
    }

    @Test
    void rerunAllRunsEveryIntervalButNeverDoublesARunInProgress() {
        assertThat(run(Reprocess.ALL)).containsExactly(D1, D2, D4);
    }

    @Test
    void skippedIntervalsSayWhy() {
        List<Entry> plan = BackfillPlan.plan(List.of(D1, D3), EXISTING, Reprocess.SKIP, Order.OLDEST_FIRST);

        assertThat(plan).extracting(Entry::skippedBecause).containsExactly(
                "a run of this logical date ended success (reprocess skip)", "a run of this logical date is running");
    }

    @Test
    void newestFirstStartsWithTheLatestInterval() {
        assertThat(BackfillPlan.plan(List.of(D1, D2, D4), Map.of(), Reprocess.SKIP, Order.NEWEST_FIRST))
                .extracting(Entry::logicalDate).containsExactly(D4, D2, D1);
    }

    @Test
    void runsToStartFillsTheBackfillsCapAndNoMore() {
        assertThat(BackfillPlan.runsToStart(3, 0, 10)).isEqualTo(3);
        assertThat(BackfillPlan.runsToStart(3, 2, 10)).isEqualTo(1);
        assertThat(BackfillPlan.runsToStart(3, 3, 10)).isZero();
        assertThat(BackfillPlan.runsToStart(3, 0, 2)).isEqualTo(2);
    }
}

package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.BackfillPlan;
import java.time.Instant;
import java.util.List;

/** A backfill about to be created, its intervals planned and its conf validated. */
public record NewBackfill(String dagId, Instant from, Instant to, String confJson, int maxActiveRuns,
                          BackfillPlan.Order order, BackfillPlan.Reprocess reprocess, Instant createdAt,
                          List<PlannedEntry> entries) {

    /** An interval in start order, with where its data interval starts. */
    public record PlannedEntry(BackfillPlan.Entry entry, Instant dataIntervalStart) {
    }
}

package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.DagRunState;
import java.time.Instant;

/** One interval of a backfill: its run once started (null before), or why it is skipped. */
public record BackfillEntryView(Instant logicalDate, Instant dataIntervalStart, String skippedBecause, String runId,
                                DagRunState runState) {
}

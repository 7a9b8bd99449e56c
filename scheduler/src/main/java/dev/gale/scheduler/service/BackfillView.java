package dev.gale.scheduler.service;

import java.time.Instant;

/**
 * A backfill and its progress: of its {@code total} intervals to run, {@code done} have a finished run
 * ({@code succeeded} + {@code failed}, a cancelled run counting as failed), {@code active} a run in
 * progress; {@code skipped} intervals are not run at all.
 */
public record BackfillView(
        long id,
        String dagId,
        Instant from,
        Instant to,
        String confJson,
        int maxActiveRuns,
        String order,
        String reprocess,
        BackfillState state,
        Instant createdAt,
        Instant endedAt,
        int total,
        int done,
        int succeeded,
        int failed,
        int active,
        int skipped) {
}

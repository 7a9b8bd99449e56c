package dev.gale.api.rest.v1;

import dev.gale.scheduler.service.BackfillEntryView;
import dev.gale.scheduler.service.BackfillView;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A backfill as the API shows it: its settings, state and progress ({@code done} of {@code total}
 * intervals have a finished run); {@code intervals} only when one backfill is read.
 */
record BackfillResponse(
        long backfillId,
        String dagId,
        Instant from,
        Instant to,
        JsonNode conf,
        int maxActiveRuns,
        String order,
        String reprocess,
        String state,
        Progress progress,
        Instant createdAt,
        Instant endedAt,
        List<Interval> intervals) {

    record Progress(int total, int done, int succeeded, int failed, int active, int skipped) {
    }

    /** One schedule interval: its run once started, or why the backfill skips it. */
    record Interval(Instant logicalDate, Instant dataIntervalStart, Instant dataIntervalEnd, String runId,
                    String runState, String skippedBecause) {
    }

    static BackfillResponse of(BackfillView b, List<BackfillEntryView> entries, JsonMapper json) {
        return new BackfillResponse(b.id(), b.dagId(), b.from(), b.to(), json.readTree(b.confJson()), b.maxActiveRuns(),
                b.order(), b.reprocess(), b.state().wireName(),
                new Progress(b.total(), b.done(), b.succeeded(), b.failed(), b.active(), b.skipped()), b.createdAt(),
                b.endedAt(), entries == null ? null : entries.stream().map(e -> new Interval(e.logicalDate(),
                        e.dataIntervalStart(), e.logicalDate(), e.runId(),
                        e.runState() == null ? null : e.runState().wireName(), e.skippedBecause())).toList());
    }
}

package dev.gale.api.rest.v1;

import dev.gale.scheduler.service.DagRunView;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A DAG run as the API shows it. {@code result} is the output of the DAG's result task once the run
 * ended; {@code error} says which task failed and why when it failed.
 */
record DagRunResponse(
        String runId,
        String dagId,
        String state,
        String runType,
        int dagVersion,
        JsonNode conf,
        JsonNode result,
        String error,
        String note,
        Instant logicalDate,
        Instant queuedAt,
        Instant startedAt,
        Instant endedAt) {

    static DagRunResponse of(DagRunView run, JsonMapper json) {
        return new DagRunResponse(run.runId(), run.dagId(), run.state().wireName(), run.runType(),
                run.dagVersionNumber(), json.readTree(run.confJson()),
                run.resultJson() == null ? null : json.readTree(run.resultJson()), run.error(), run.note(),
                run.logicalDate(), run.queuedAt(), run.startedAt(), run.endedAt());
    }
}

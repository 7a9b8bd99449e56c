package dev.gale.api.rest.v1;

import dev.gale.scheduler.service.DagSummary;
import dev.gale.sdk.spec.ParamSpec;
import dev.gale.sdk.spec.TaskSpec;
import java.util.List;

/** A DAG as the API shows it: its current version, params schema and task graph. */
record DagResponse(
        String dagId,
        String description,
        String owner,
        List<String> tags,
        boolean isPaused,
        int version,
        String versionHash,
        List<ParamSpec> params,
        List<TaskSpec> tasks,
        String resultTaskId) {

    static DagResponse of(DagSummary dag) {
        var spec = dag.currentVersion().spec();
        return new DagResponse(dag.dagId(), spec.description(), spec.owner(), spec.tags(), dag.paused(),
                dag.currentVersion().versionNumber(), dag.currentVersion().hash(), shown(spec.params()), spec.tasks(),
                spec.resultTaskId());
    }

    /** A secret param's default and allowed values are never shown; that it is secret, and its type, are. */
    static List<ParamSpec> shown(List<ParamSpec> params) {
        return params.stream().map(p -> !p.secret() ? p : new ParamSpec(p.name(), p.type(), null, p.required(),
                p.description(), List.of(), p.minimum(), p.maximum(), true)).toList();
    }
}

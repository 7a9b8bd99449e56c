package dev.gale.sdk.spec;

import java.util.List;

/**
 * The serialized form of a DAG. Each distinct serialization is a DAG version: a run is pinned to
 * the version it started with, and the scheduler decides from this alone, without the DAG's code.
 */
public record DagSpec(
        String dagId,
        String description,
        String owner,
        List<String> tags,
        List<ParamSpec> params,
        List<TaskSpec> tasks,
        String resultTaskId) {

    public DagSpec {
        tags = List.copyOf(tags);
        params = List.copyOf(params);
        tasks = List.copyOf(tasks);
    }
}

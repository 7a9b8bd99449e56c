package dev.gale.sdk.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The serialized form of a task: everything the scheduler needs, none of the code. Inlets and
 * outlets name the assets the task reads and writes. A branch task's output is the list of direct
 * downstream task ids to follow; {@code expand} is set on a mapped task. Components are only ever
 * appended, so that stored versions keep reading; {@code isolation} is null for a task that runs in
 * the worker's process, and left out of the JSON then; so is {@code llm} for a task that uses no model,
 * and {@code poolSlots} for a task that takes one slot of its pool (see {@link #slotsOfPool}).
 * {@code source} is where the DSL declared the task ({@code dev.gale.examples.HelloDag:42}); it is not
 * part of the DAG's structure, so it leaves the version hash alone (see {@link DagSpecJson#hash}), and
 * null (left out) for a task declared elsewhere than in Java.
 */
public record TaskSpec(
        String taskId,
        List<String> upstream,
        String triggerRule,
        int retries,
        long retryDelayMs,
        boolean exponentialBackoff,
        Long maxRetryDelayMs,
        Long executionTimeoutMs,
        String queue,
        int priorityWeight,
        List<String> inlets,
        List<String> outlets,
        boolean branch,
        MapSpec expand,
        String pool,
        ResourceSpec resources,
        @JsonInclude(JsonInclude.Include.NON_NULL) IsolationSpec isolation,
        @JsonInclude(JsonInclude.Include.NON_NULL) LlmSpec llm,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer poolSlots,
        @JsonInclude(JsonInclude.Include.NON_NULL) String source) {

    public TaskSpec {
        resources = resources == null ? ResourceSpec.NONE : resources;
        upstream = List.copyOf(upstream);
        inlets = inlets == null ? List.of() : List.copyOf(inlets);
        outlets = outlets == null ? List.of() : List.copyOf(outlets);
    }

    /** How many slots of its pool the task takes while queued or running: 1 unless it says otherwise. */
    public int slotsOfPool() {
        return poolSlots == null ? 1 : poolSlots;
    }
}

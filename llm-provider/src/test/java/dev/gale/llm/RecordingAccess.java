package dev.gale.llm;

import dev.gale.sdk.LlmAccess;
import dev.gale.sdk.spec.TaskSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The worker's side of the LLM layer for tests without a server: keeps recorded calls, replays
 * successful ones by hash for a later attempt, and sums what they cost. The TEI path is tested end
 * to end in orchestrator-api's LlmUsageIT.
 */
final class RecordingAccess implements LlmAccess {
    final List<Call> calls = new CopyOnWriteArrayList<>();
    final Map<String, String> earlierAttempts = new ConcurrentHashMap<>();
    private final String catalogJson;
    private final TaskSpec task;

    RecordingAccess(String catalogJson, TaskSpec task) {
        this.catalogJson = catalogJson;
        this.task = task;
    }

    @Override
    public TaskSpec task() {
        return task;
    }

    @Override
    public String catalogJson() {
        return catalogJson;
    }

    @Override
    public Prepared prepare(String callHash) {
        return new Prepared(Optional.ofNullable(earlierAttempts.get(callHash)),
                calls.stream().mapToLong(Call::costMicroUsd).sum());
    }

    @Override
    public void record(Call call) {
        calls.add(call);
    }

    List<String> outcomes() {
        return calls.stream().map(c -> c.provider() + "/" + c.model() + ":" + c.outcome()).toList();
    }
}

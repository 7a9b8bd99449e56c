package dev.gale.sdk.runtime;

import dev.gale.sdk.AssetVersionInfo;
import dev.gale.sdk.Connection;
import dev.gale.sdk.LlmAccess;
import dev.gale.sdk.TaskContext;
import dev.gale.sdk.Trigger;
import dev.gale.sdk.TriggerEvent;
import dev.gale.sdk.TypeToken;
import dev.gale.sdk.spec.TaskSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The {@link TaskContext} of one attempt, in the worker's process or in a child JVM, over a {@link TaskChannel}. */
final class RuntimeTaskContext implements TaskContext {
    private final TaskIdentity identity;
    private final TaskChannel channel;
    private final JsonMapper json;
    private final TaskSpec spec;
    private Map<String, Object> params;
    /** The events of this attempt's earlier defer calls, read at its first defer call. */
    private List<TriggerEvent> earlierEvents;
    private int deferCalls;

    RuntimeTaskContext(TaskIdentity identity, TaskChannel channel, JsonMapper json, TaskSpec spec) {
        this.identity = identity;
        this.channel = channel;
        this.json = json;
        this.spec = spec;
    }

    @Override
    public String dagId() {
        return identity.dagId();
    }

    @Override
    public String runId() {
        return identity.runId();
    }

    @Override
    public Optional<Instant> logicalDate() {
        return Optional.ofNullable(identity.dates().logicalDate());
    }

    @Override
    public Optional<Instant> dataIntervalStart() {
        return Optional.ofNullable(identity.dates().dataIntervalStart());
    }

    @Override
    public Optional<Instant> dataIntervalEnd() {
        return Optional.ofNullable(identity.dates().dataIntervalEnd());
    }

    @Override
    public String taskId() {
        return identity.taskId();
    }

    @Override
    public int mapIndex() {
        return identity.mapIndex();
    }

    @Override
    public int attempt() {
        return identity.attempt();
    }

    @Override
    public synchronized Map<String, Object> params() {
        if (params == null) {
            params = json.readValue(channel.paramsJson(), new TypeReference<Map<String, Object>>() { });
        }
        return params;
    }

    @Override
    public <T> T param(String name, Class<T> type) {
        Map<String, Object> all = params();
        if (!all.containsKey(name)) {
            throw new IllegalArgumentException("param '" + name + "' is not set and has no default; params are "
                    + all.keySet());
        }
        return json.convertValue(all.get(name), type);
    }

    @Override
    public <T> T input(String taskId, Class<T> type) {
        return json.readValue(output(taskId), type);
    }

    @Override
    public <T> T input(String taskId, TypeToken<T> type) {
        return json.readValue(output(taskId), json.getTypeFactory().constructType(type.type()));
    }

    @Override
    public <T> List<T> inputs(String taskId, TypeToken<T> elementType) {
        List<?> values = input(taskId, List.class);
        var element = json.getTypeFactory().constructType(elementType.type());
        return values.stream().<T>map(v -> json.convertValue(v, element)).toList();
    }

    @Override
    public <T> T item(TypeToken<T> type) {
        mappedOrThrow();
        return json.readValue(channel.mapItemJson(), json.getTypeFactory().constructType(type.type()));
    }

    private String output(String taskId) {
        return channel.xcom(taskId, -1, TaskIdentity.RETURN_VALUE).orElseThrow(() ->
                new IllegalArgumentException("task '" + taskId + "' of run " + identity.runId()
                        + " left no output; is it an upstream task of '" + identity.taskId() + "'?"));
    }

    @Override
    public <T> List<T> inputs(String taskId, Class<T> elementType) {
        List<?> values = input(taskId, List.class);
        return values.stream().map(v -> json.convertValue(v, elementType)).toList();
    }

    @Override
    public <T> T item(Class<T> type) {
        mappedOrThrow();
        return json.readValue(channel.mapItemJson(), type);
    }

    private void mappedOrThrow() {
        if (identity.mapIndex() < 0) {
            throw new IllegalStateException("task '" + identity.taskId() + "' is not mapped, so it has no item;"
                    + " declare it with expand(...) or expandParam(...)");
        }
    }

    @Override
    public void putXCom(String key, Object value) {
        if (key.isBlank() || key.equals(TaskIdentity.RETURN_VALUE)) {
            throw new IllegalArgumentException("XCom key must not be empty or 'return_value'; return the task's"
                    + " output from the task instead");
        }
        channel.putXCom(key, json.writeValueAsString(value));
    }

    @Override
    public void log(String line) {
        channel.log("task", line);
    }

    @Override
    public List<Integer> gpus() {
        return identity.gpus();
    }

    @Override
    public LlmAccess llmAccess() {
        return new LlmAccess() {
            @Override
            public TaskSpec task() {
                return spec;
            }

            @Override
            public String catalogJson() {
                return channel.llmCatalogJson();
            }

            @Override
            public Prepared prepare(String callHash) {
                return channel.prepareLlmCall(callHash);
            }

            @Override
            public void record(Call call) {
                channel.recordLlmUsage(call);
            }
        };
    }

    @Override
    public AssetVersionInfo readAsset(String assetName) {
        return readAsset(assetName, 0);
    }

    @Override
    public AssetVersionInfo readAsset(String assetName, int version) {
        return assetVersion(channel.readAsset(assetName, version));
    }

    @Override
    public Optional<AssetVersionInfo> readAssetAlias(String assetName, String alias) {
        return channel.readAssetAlias(assetName, alias).map(this::assetVersion);
    }

    @Override
    public void moveAssetAlias(String assetName, String alias, int toVersion, int expectedFromVersion, String reason) {
        channel.moveAssetAlias(assetName, alias, toVersion, expectedFromVersion, reason == null ? "" : reason);
    }

    private AssetVersionInfo assetVersion(String readJson) {
        JsonNode read = json.readTree(readJson);
        return new AssetVersionInfo(read.path("asset").asString(), read.path("version").asInt(),
                json.convertValue(read.path("metadata"), new TypeReference<Map<String, Object>>() { }),
                read.path("dagId").asString(), read.path("runId").asString(), read.path("taskId").asString(),
                Instant.ofEpochMilli(read.path("createdAt").asLong()));
    }

    @Override
    public Connection connection(String connId) {
        JsonNode c = json.readTree(channel.connectionJson(connId));
        return new Connection(c.path("connId").asString(), text(c, "type"), text(c, "host"),
                c.path("port").isInt() ? c.get("port").asInt() : null, text(c, "login"), text(c, "password"),
                text(c, "schema"), c.path("extra").isObject()
                        ? json.convertValue(c.get("extra"), new TypeReference<Map<String, Object>>() { }) : Map.of());
    }

    private static String text(JsonNode node, String name) {
        return node.path(name).isString() ? node.get(name).asString() : null;
    }

    @Override
    public String variable(String key) {
        return channel.variable(key);
    }

    @Override
    public int emitAsset(String assetName, Map<String, ?> metadata) {
        return channel.emitAsset(assetName, json.writeValueAsString(metadata));
    }

    @Override
    public synchronized TriggerEvent defer(Trigger trigger, Duration timeout) {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("a defer timeout must be positive, or null to wait for ever; got "
                    + timeout);
        }
        int call = deferCalls++;
        if (call < earlierEvents().size()) {
            TriggerEvent event = earlierEvents.get(call);
            if (!event.kind().equals(trigger.kind())) {
                throw new IllegalStateException("defer call " + (call + 1) + " of task '" + identity.taskId()
                        + "' waits on a '" + trigger.kind() + "' trigger, but that call deferred on a '"
                        + event.kind() + "' trigger before the task resumed: a task that defers must make the"
                        + " same defer calls in the same order each time it runs");
            }
            return event;
        }
        channel.defer(trigger.kind(), json.writeValueAsString(trigger.spec()),
                timeout == null ? 0 : timeout.toMillis());
        throw new TaskDeferred();
    }

    @Override
    public synchronized Optional<TriggerEvent> nextDeferEvent() {
        return deferCalls < earlierEvents().size() ? Optional.of(earlierEvents.get(deferCalls)) : Optional.empty();
    }

    private List<TriggerEvent> earlierEvents() {
        if (earlierEvents == null) {
            earlierEvents = new ArrayList<>();
            for (JsonNode fired : json.readTree(channel.triggerEventsJson())) {
                earlierEvents.add(new TriggerEvent(fired.get("kind").asString(),
                        json.writeValueAsString(fired.get("event"))));
            }
        }
        return earlierEvents;
    }
}

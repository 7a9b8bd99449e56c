package dev.gale.sdk.runtime;

import dev.gale.sdk.AliasMovedException;
import dev.gale.sdk.LlmAccess;
import dev.gale.tei.v1.AppendLogsRequest;
import dev.gale.tei.v1.Assignment;
import dev.gale.tei.v1.DeferTaskRequest;
import dev.gale.tei.v1.EmitAssetEventRequest;
import dev.gale.tei.v1.FiredTrigger;
import dev.gale.tei.v1.GetConnectionRequest;
import dev.gale.tei.v1.GetConnectionResponse;
import dev.gale.tei.v1.GetVariableRequest;
import dev.gale.tei.v1.GetAssetVersionRequest;
import dev.gale.tei.v1.GetAssetVersionResponse;
import dev.gale.tei.v1.MoveAssetAliasRequest;
import dev.gale.tei.v1.GetLlmCatalogRequest;
import dev.gale.tei.v1.GetXComRequest;
import dev.gale.tei.v1.GetXComResponse;
import dev.gale.tei.v1.LogLine;
import dev.gale.tei.v1.PrepareLlmCallRequest;
import dev.gale.tei.v1.PrepareLlmCallResponse;
import dev.gale.tei.v1.PutXComRequest;
import dev.gale.tei.v1.RecordLlmUsageRequest;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The worker's side of one assignment: it holds the task token (task code never sees it), buffers
 * the task's log lines until they are shipped, keeps the output, and relays XCom and asset calls to
 * the API server.
 */
final class TaskSession implements TaskChannel {
    private final Assignment assignment;
    private final TeiClient client;
    private final AtomicReference<String> token;
    private final List<LogLine> pendingLogs = new ArrayList<>();
    private final JsonMapper json = JsonMapper.builder().build();
    private volatile String outputJson = "null";
    /** The deferral the task's code asked for, sent once the code has stopped. */
    private final AtomicReference<DeferTaskRequest> deferral = new AtomicReference<>();

    TaskSession(Assignment assignment, TeiClient client) {
        this.assignment = assignment;
        this.client = client;
        this.token = new AtomicReference<>(assignment.getTaskToken());
    }

    TaskIdentity identity() {
        TaskIdentity.RunDates dates = assignment.getLogicalDateMs() != 0
                ? new TaskIdentity.RunDates(Instant.ofEpochMilli(assignment.getLogicalDateMs()),
                        Instant.ofEpochMilli(assignment.getDataIntervalStartMs()),
                        Instant.ofEpochMilli(assignment.getDataIntervalEndMs()))
                : TaskIdentity.RunDates.NONE;
        return new TaskIdentity(assignment.getDagId(), assignment.getRunId(), assignment.getTaskId(),
                assignment.getMapIndex(), assignment.getAttempt(), dates);
    }

    String token() {
        return token.get();
    }

    /** Heartbeats return fresh tokens, so a task may outlive the token it was assigned with. */
    void refreshToken(String fresh) {
        if (!fresh.isEmpty()) {
            token.set(fresh);
        }
    }

    String outputJson() {
        return outputJson;
    }

    /** The deferral the task asked for, without its token; empty when it did not defer. */
    Optional<DeferTaskRequest> deferral() {
        return Optional.ofNullable(deferral.get());
    }

    @Override
    public String triggerEventsJson() {
        ArrayNode events = json.createArrayNode();
        for (FiredTrigger fired : assignment.getTriggerEventsList()) {
            events.addObject().put("kind", fired.getKind()).set("event", json.readTree(fired.getEventJson()));
        }
        return json.writeValueAsString(events);
    }

    @Override
    public void defer(String kind, String specJson, long timeoutMs) {
        deferral.set(DeferTaskRequest.newBuilder().setTrigger(kind).setTriggerArgsJson(specJson)
                .setTimeoutMs(timeoutMs).build());
    }

    @Override
    public String paramsJson() {
        return assignment.getParamsJson().isEmpty() ? "{}" : assignment.getParamsJson();
    }

    @Override
    public String mapItemJson() {
        return assignment.getMapItemJson();
    }

    @Override
    public Optional<String> xcom(String taskId, int mapIndex, String key) {
        // Direct upstream outputs came with the assignment; anything else is asked of the server.
        String upstream = assignment.getUpstreamOutputsJsonMap().get(taskId);
        if (upstream != null && mapIndex == -1 && key.equals(TaskIdentity.RETURN_VALUE)) {
            return Optional.of(upstream);
        }
        GetXComResponse response = client.deliver("get XCom", stub -> stub.getXCom(GetXComRequest.newBuilder()
                .setTaskToken(token.get()).setTaskId(taskId).setMapIndex(mapIndex).setKey(key).build()));
        return response.getFound() ? Optional.of(response.getValueJson()) : Optional.empty();
    }

    @Override
    public void putXCom(String key, String valueJson) {
        if (key.equals(TaskIdentity.RETURN_VALUE)) {
            outputJson = valueJson;
            return;
        }
        client.deliver("put XCom", stub -> stub.putXCom(PutXComRequest.newBuilder()
                .setTaskToken(token.get()).setKey(key).setValueJson(valueJson).build()));
    }

    @Override
    public String readAsset(String assetName, int version) {
        return assetVersionJson(client.deliver("read asset " + assetName, stub -> stub.getAssetVersion(
                GetAssetVersionRequest.newBuilder().setTaskToken(token.get()).setAssetName(assetName)
                        .setVersion(version).build())));
    }

    @Override
    public Optional<String> readAssetAlias(String assetName, String alias) {
        try {
            return Optional.of(assetVersionJson(client.deliver("read alias " + alias + " of " + assetName,
                    stub -> stub.getAssetVersion(GetAssetVersionRequest.newBuilder().setTaskToken(token.get())
                            .setAssetName(assetName).setAlias(alias).build()))));
        } catch (TeiClient.CallFailedException e) {
            if (e.status().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void moveAssetAlias(String assetName, String alias, int toVersion, int expectedFromVersion, String reason) {
        try {
            client.deliver("move alias " + alias + " of " + assetName, stub -> stub.moveAssetAlias(
                    MoveAssetAliasRequest.newBuilder().setTaskToken(token.get()).setAssetName(assetName)
                            .setAlias(alias).setToVersion(toVersion).setExpectedFromVersion(expectedFromVersion)
                            .setReason(reason).build()));
        } catch (TeiClient.CallFailedException e) {
            if (e.status().getCode() == Status.Code.ABORTED) {
                throw new AliasMovedException(e.status().getDescription());
            }
            throw e;
        }
    }

    private String assetVersionJson(GetAssetVersionResponse read) {
        ObjectNode answer = json.createObjectNode()
                .put("asset", read.getAssetName())
                .put("version", read.getVersion())
                .put("dagId", read.getDagId())
                .put("runId", read.getRunId())
                .put("taskId", read.getTaskId())
                .put("createdAt", read.getCreatedAtMs());
        answer.set("metadata", json.readTree(read.getMetadataJson()));
        return json.writeValueAsString(answer);
    }

    @Override
    public String connectionJson(String connId) {
        GetConnectionResponse c = client.deliver("read connection " + connId, stub -> stub.getConnection(
                GetConnectionRequest.newBuilder().setTaskToken(token.get()).setConnId(connId).build()));
        ObjectNode answer = json.createObjectNode().put("connId", c.getConnId());
        putUnlessEmpty(answer, "type", c.getConnType());
        putUnlessEmpty(answer, "host", c.getHost());
        if (c.getPort() > 0) {
            answer.put("port", c.getPort());
        }
        putUnlessEmpty(answer, "login", c.getLogin());
        putUnlessEmpty(answer, "password", c.getPassword());
        putUnlessEmpty(answer, "schema", c.getSchema());
        if (!c.getExtraJson().isEmpty()) {
            answer.set("extra", json.readTree(c.getExtraJson()));
        }
        return json.writeValueAsString(answer);
    }

    private static void putUnlessEmpty(ObjectNode node, String name, String value) {
        if (!value.isEmpty()) {
            node.put(name, value);
        }
    }

    @Override
    public String variable(String key) {
        return client.deliver("read variable " + key, stub -> stub.getVariable(
                GetVariableRequest.newBuilder().setTaskToken(token.get()).setKey(key).build())).getValue();
    }

    @Override
    public int emitAsset(String assetName, String metadataJson) {
        // One event id for every repeat of this emit, so the server records one version.
        EmitAssetEventRequest request = EmitAssetEventRequest.newBuilder().setAssetName(assetName)
                .setMetadataJson(metadataJson).setEventId(UUID.randomUUID().toString()).build();
        return client.deliver("emit asset " + assetName, stub -> stub.emitAssetEvent(
                request.toBuilder().setTaskToken(token.get()).build())).getVersion();
    }

    @Override
    public void log(String stream, String line) {
        LogLine entry = LogLine.newBuilder().setTimestampMs(System.currentTimeMillis()).setLine(line).setStream(stream)
                .build();
        synchronized (pendingLogs) {
            pendingLogs.add(entry);
        }
    }

    @Override
    public String llmCatalogJson() {
        return client.deliver("get LLM catalog", stub -> stub.getLlmCatalog(GetLlmCatalogRequest.newBuilder()
                .setTaskToken(token.get()).build())).getCatalogJson();
    }

    @Override
    public LlmAccess.Prepared prepareLlmCall(String callHash) {
        PrepareLlmCallResponse response = client.deliver("prepare LLM call", stub -> stub.prepareLlmCall(
                PrepareLlmCallRequest.newBuilder().setTaskToken(token.get()).setCallHash(callHash).build()));
        return new LlmAccess.Prepared(response.getReplayFound() ? Optional.of(response.getResponseJson())
                : Optional.empty(), response.getRunSpentMicroUsd());
    }

    @Override
    public void recordLlmUsage(LlmAccess.Call call) {
        client.deliver("record LLM usage", stub -> stub.recordLlmUsage(RecordLlmUsageRequest.newBuilder()
                .setTaskToken(token.get()).setProvider(call.provider()).setModel(call.model())
                .setInputTokens(call.inputTokens()).setOutputTokens(call.outputTokens())
                .setCostMicroUsd(call.costMicroUsd()).setLatencyMs(call.latencyMs())
                .setCached(call.outcome().equals("replayed")).setOutcome(call.outcome())
                .setChoiceReasons(call.reasons()).setCallHash(call.callHash()).setResponseJson(call.responseJson())
                .setDevice(call.device() == null ? "" : call.device()).setEmbeddedTexts(call.embeddedTexts())
                .setError(call.error()).build()));
    }

    /**
     * Sends the buffered log lines. With {@code patient} the call is repeated while the server is
     * away (before an outcome); otherwise lines that could not be sent wait for the next try.
     */
    void shipLogs(boolean patient) {
        List<LogLine> lines;
        synchronized (pendingLogs) {
            lines = List.copyOf(pendingLogs);
            pendingLogs.clear();
        }
        if (lines.isEmpty()) {
            return;
        }
        try {
            AppendLogsRequest request = AppendLogsRequest.newBuilder().setTaskToken(token.get()).addAllLines(lines)
                    .build();
            if (patient) {
                client.deliver("append logs", stub -> stub.appendLogs(request));
            } else {
                client.deliverWithin("append logs", Duration.ZERO, stub -> stub.appendLogs(request));
            }
        } catch (TeiClient.CallFailedException e) {
            if (TeiClient.isTransient(e.status())) {
                synchronized (pendingLogs) {
                    pendingLogs.addAll(0, lines);
                }
            } else {
                throw e;
            }
        }
    }
}

package dev.gale.sdk.runtime;

import dev.gale.sdk.AliasMovedException;
import dev.gale.sdk.LlmAccess;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The worker's end of the JSON-lines protocol that child processes speak on {@code GALE_TASK_SOCKET}:
 * one JSON object per line in, one per line out. Requests:
 * <pre>
 * {"op":"get_params"}                                             → {"ok":true,"value":{...}}
 * {"op":"get_item"}                                               → {"ok":true,"value":...}
 * {"op":"get_xcom","task_id":"t","map_index":-1,"key":"k"}        → {"ok":true,"found":true,"value":...}
 * {"op":"put_xcom","key":"return_value","value":...}              → {"ok":true}
 * {"op":"log","line":"text"}                                      → {"ok":true}
 * {"op":"llm_catalog"}                                            → {"ok":true,"value":"catalog JSON"}
 * {"op":"llm_prepare","call_hash":"h"}                            → {"ok":true,"found":false,"run_spent_micro_usd":0}
 * {"op":"llm_record","call":{...LlmAccess.Call...}}               → {"ok":true}
 * {"op":"read_asset","name":"model://m","version":0}              → {"ok":true,"value":{"asset":...,"version":3,"metadata":{...},...}}
 * {"op":"emit_asset","name":"model://m","metadata":{"rmse":0.4}}  → {"ok":true,"version":4}
 * {"op":"read_asset","name":"model://m","alias":"production"}     → {"ok":true,"found":true,"value":{...as read_asset...}}
 * {"op":"move_alias","name":"model://m","alias":"production","to_version":4,"expected_from_version":3,"reason":"..."}
 *                                                                 → {"ok":true}, or {"ok":false,"alias_moved":true,"error":"..."}
 * {"op":"get_trigger_events"}                                     → {"ok":true,"value":[{"kind":"time","event":{...}},...]}
 * {"op":"defer","kind":"time","spec":{"after":"PT1M"},"timeout_ms":0}
 *                                                                 → {"ok":true}; then exit 0: the worker defers the task
 * </pre>
 * The {@code llm_*} ops serve {@code CommonLlm} in a child JVM; see {@code dev.gale.sdk.LlmAccess}.
 * {@code map_index} defaults to -1 and {@code key} to {@code return_value} (the task's output);
 * {@code version} defaults to 0 (the run's triggering version, else the latest) and {@code metadata} to {}.
 * A request that cannot be served is answered {@code {"ok":false,"error":"..."}}.
 */
final class ChildProtocol {
    static final String SOCKET_ENV = "GALE_TASK_SOCKET";

    private final TaskChannel channel;
    private final JsonMapper json;

    ChildProtocol(TaskChannel channel, JsonMapper json) {
        this.channel = channel;
        this.json = json;
    }

    /** Answers one request line. */
    String handle(String requestLine) {
        try {
            JsonNode request = json.readTree(requestLine);
            if (!request.isObject() || !request.path("op").isString()) {
                return error("each request must be a JSON object with an \"op\", e.g. {\"op\":\"get_params\"}");
            }
            ObjectNode ok = json.createObjectNode().put("ok", true);
            switch (request.get("op").asString()) {
                case "get_params" -> ok.set("value", json.readTree(channel.paramsJson()));
                case "get_item" -> {
                    if (channel.mapItemJson().isEmpty()) {
                        return error("this task instance is not mapped, so it has no item");
                    }
                    ok.set("value", json.readTree(channel.mapItemJson()));
                }
                case "get_xcom" -> {
                    if (!request.path("task_id").isString()) {
                        return error("get_xcom needs \"task_id\": the task whose XCom to read");
                    }
                    Optional<String> value = channel.xcom(request.get("task_id").asString(), mapIndex(request),
                            key(request));
                    ok.put("found", value.isPresent());
                    value.ifPresent(v -> ok.set("value", json.readTree(v)));
                }
                case "put_xcom" -> {
                    if (!request.has("value")) {
                        return error("put_xcom needs \"value\": any JSON value");
                    }
                    channel.putXCom(key(request), json.writeValueAsString(request.get("value")));
                }
                case "log" -> channel.log("task", request.path("line").asString(""));
                case "llm_catalog" -> ok.put("value", channel.llmCatalogJson());
                case "llm_prepare" -> {
                    LlmAccess.Prepared prepared = channel.prepareLlmCall(request.path("call_hash").asString(""));
                    ok.put("found", prepared.replayedResponse().isPresent())
                            .put("run_spent_micro_usd", prepared.runSpentMicroUsd());
                    prepared.replayedResponse().ifPresent(r -> ok.put("response", r));
                }
                case "llm_record" -> channel.recordLlmUsage(json.treeToValue(request.path("call"),
                        LlmAccess.Call.class));
                case "read_asset" -> {
                    if (!request.path("name").isString()) {
                        return error("read_asset needs \"name\": the asset to read, e.g. \"model://churn\"");
                    }
                    if (request.path("alias").isString()) {
                        Optional<String> read = channel.readAssetAlias(request.get("name").asString(),
                                request.get("alias").asString());
                        ok.put("found", read.isPresent());
                        read.ifPresent(v -> ok.set("value", json.readTree(v)));
                        break;
                    }
                    ok.set("value", json.readTree(channel.readAsset(request.get("name").asString(),
                            request.path("version").asInt(0))));
                }
                case "emit_asset" -> {
                    if (!request.path("name").isString()) {
                        return error("emit_asset needs \"name\": an asset the task declares with writes()");
                    }
                    String metadata = request.has("metadata") ? json.writeValueAsString(request.get("metadata")) : "{}";
                    ok.put("version", channel.emitAsset(request.get("name").asString(), metadata));
                }
                case "move_alias" -> {
                    if (!request.path("name").isString() || !request.path("alias").isString()
                            || !request.path("to_version").isInt()) {
                        return error("move_alias needs \"name\" (an asset the task declares with writes()),"
                                + " \"alias\" and \"to_version\"");
                    }
                    try {
                        channel.moveAssetAlias(request.get("name").asString(), request.get("alias").asString(),
                                request.get("to_version").asInt(), request.path("expected_from_version").asInt(0),
                                request.path("reason").asString(""));
                    } catch (AliasMovedException e) {
                        return json.writeValueAsString(json.createObjectNode().put("ok", false)
                                .put("alias_moved", true).put("error", e.getMessage()));
                    }
                }
                case "get_connection" -> {
                    if (!request.path("conn_id").isString()) {
                        return error("get_connection needs \"conn_id\", e.g. \"warehouse\"");
                    }
                    ok.set("value", json.readTree(channel.connectionJson(request.get("conn_id").asString())));
                }
                case "get_variable" -> {
                    if (!request.path("key").isString()) {
                        return error("get_variable needs \"key\", e.g. \"threshold\"");
                    }
                    ok.put("value", channel.variable(request.get("key").asString()));
                }
                case "get_trigger_events" -> ok.set("value", json.readTree(channel.triggerEventsJson()));
                case "defer" -> {
                    if (!request.path("kind").isString() || !request.path("spec").isObject()) {
                        return error("defer needs \"kind\" (e.g. \"time\") and \"spec\" (a JSON object)");
                    }
                    channel.defer(request.get("kind").asString(), json.writeValueAsString(request.get("spec")),
                            request.path("timeout_ms").asLong(0));
                }
                default -> {
                    return error("unknown op '" + request.get("op").asString()
                            + "'; the ops are get_params, get_item, get_xcom, put_xcom, log, llm_catalog, llm_prepare,"
                            + " llm_record, read_asset, emit_asset, move_alias, get_connection, get_variable, get_trigger_events"
                            + " and defer");
                }
            }
            return json.writeValueAsString(ok);
        } catch (JacksonException e) {
            return error("the request is not valid JSON: " + e.getOriginalMessage());
        } catch (RuntimeException e) {
            return error(e.getMessage());
        }
    }

    private static int mapIndex(JsonNode request) {
        return request.path("map_index").isInt() ? request.get("map_index").asInt() : -1;
    }

    private static String key(JsonNode request) {
        return request.path("key").isString() ? request.get("key").asString() : TaskIdentity.RETURN_VALUE;
    }

    private String error(String message) {
        return json.writeValueAsString(json.createObjectNode().put("ok", false).put("error", message));
    }
}

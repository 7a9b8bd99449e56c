package dev.gale.sdk.runtime;

import dev.gale.sdk.AliasMovedException;
import dev.gale.sdk.LlmAccess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** A child JVM's end of {@link ChildProtocol}: the socket to its supervising worker. */
final class SocketTaskChannel implements TaskChannel, AutoCloseable {
    private final SocketChannel socket;
    private final BufferedReader in;
    private final Writer out;
    private final JsonMapper json;

    private SocketTaskChannel(SocketChannel socket, JsonMapper json) {
        this.socket = socket;
        this.in = new BufferedReader(Channels.newReader(socket, StandardCharsets.UTF_8));
        this.out = Channels.newWriter(socket, StandardCharsets.UTF_8);
        this.json = json;
    }

    static SocketTaskChannel connect(Path path, JsonMapper json) throws IOException {
        SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        socket.connect(UnixDomainSocketAddress.of(path));
        return new SocketTaskChannel(socket, json);
    }

    @Override
    public String paramsJson() {
        return json.writeValueAsString(call(request("get_params")).get("value"));
    }

    @Override
    public String mapItemJson() {
        JsonNode answer = call(request("get_item"));
        return json.writeValueAsString(answer.get("value"));
    }

    @Override
    public Optional<String> xcom(String taskId, int mapIndex, String key) {
        JsonNode answer = call(request("get_xcom").put("task_id", taskId).put("map_index", mapIndex).put("key", key));
        return answer.get("found").asBoolean() ? Optional.of(json.writeValueAsString(answer.get("value")))
                : Optional.empty();
    }

    @Override
    public void putXCom(String key, String valueJson) {
        ObjectNode request = request("put_xcom").put("key", key);
        request.set("value", json.readTree(valueJson));
        call(request);
    }

    @Override
    public String triggerEventsJson() {
        return json.writeValueAsString(call(request("get_trigger_events")).get("value"));
    }

    @Override
    public void defer(String kind, String specJson, long timeoutMs) {
        ObjectNode request = request("defer").put("kind", kind).put("timeout_ms", timeoutMs);
        request.set("spec", json.readTree(specJson));
        call(request);
    }

    @Override
    public void log(String stream, String line) {
        call(request("log").put("line", line));
    }

    @Override
    public String llmCatalogJson() {
        return call(request("llm_catalog")).get("value").asString();
    }

    @Override
    public LlmAccess.Prepared prepareLlmCall(String callHash) {
        JsonNode answer = call(request("llm_prepare").put("call_hash", callHash));
        return new LlmAccess.Prepared(answer.get("found").asBoolean()
                ? Optional.of(answer.get("response").asString()) : Optional.empty(),
                answer.get("run_spent_micro_usd").asLong());
    }

    @Override
    public void recordLlmUsage(LlmAccess.Call call) {
        ObjectNode request = request("llm_record");
        request.set("call", json.valueToTree(call));
        call(request);
    }

    @Override
    public String readAsset(String assetName, int version) {
        return json.writeValueAsString(call(request("read_asset").put("name", assetName).put("version", version))
                .get("value"));
    }

    @Override
    public Optional<String> readAssetAlias(String assetName, String alias) {
        JsonNode answer = call(request("read_asset").put("name", assetName).put("alias", alias));
        return answer.path("found").asBoolean(true) ? Optional.of(json.writeValueAsString(answer.get("value")))
                : Optional.empty();
    }

    @Override
    public void moveAssetAlias(String assetName, String alias, int toVersion, int expectedFromVersion, String reason) {
        JsonNode answer = callAnswer(request("move_alias").put("name", assetName).put("alias", alias)
                .put("to_version", toVersion).put("expected_from_version", expectedFromVersion).put("reason", reason));
        if (answer.path("alias_moved").asBoolean()) {
            throw new AliasMovedException(answer.path("error").asString());
        }
        refuseUnlessOk(answer);
    }

    @Override
    public String connectionJson(String connId) {
        return json.writeValueAsString(call(request("get_connection").put("conn_id", connId)).get("value"));
    }

    @Override
    public String variable(String key) {
        return call(request("get_variable").put("key", key)).get("value").asString();
    }

    @Override
    public int emitAsset(String assetName, String metadataJson) {
        ObjectNode request = request("emit_asset").put("name", assetName);
        request.set("metadata", json.readTree(metadataJson));
        return call(request).get("version").asInt();
    }

    private ObjectNode request(String op) {
        return json.createObjectNode().put("op", op);
    }

    private JsonNode call(ObjectNode request) {
        return refuseUnlessOk(callAnswer(request));
    }

    private static JsonNode refuseUnlessOk(JsonNode answer) {
        if (!answer.path("ok").asBoolean()) {
            throw new IllegalStateException(answer.path("error").asString("the worker refused the request"));
        }
        return answer;
    }

    private synchronized JsonNode callAnswer(ObjectNode request) {
        try {
            out.write(json.writeValueAsString(request));
            out.write('\n');
            out.flush();
            String line = in.readLine();
            if (line == null) {
                throw new IllegalStateException("the worker closed the task socket");
            }
            return json.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the supervising worker: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

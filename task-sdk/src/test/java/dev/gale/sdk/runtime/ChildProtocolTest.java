package dev.gale.sdk.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.sdk.AliasMovedException;
import dev.gale.sdk.LlmAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ChildProtocolTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final List<String> puts = new ArrayList<>();
    private final ChildProtocol protocol = new ChildProtocol(new TaskChannel() {
        @Override
        public String paramsJson() {
            return "{\"n\":1}";
        }

        @Override
        public String mapItemJson() {
            return "";
        }

        @Override
        public String triggerEventsJson() {
            return "[{\"kind\":\"time\",\"event\":{\"at\":\"2026-12-02T14:00:00Z\"}}]";
        }

        @Override
        public void defer(String kind, String specJson, long timeoutMs) {
            puts.add("defer:" + kind + ":" + specJson + ":" + timeoutMs);
        }

        @Override
        public Optional<String> xcom(String taskId, int mapIndex, String key) {
            return Optional.of("[\"" + taskId + "\"," + mapIndex + ",\"" + key + "\"]");
        }

        @Override
        public void putXCom(String key, String valueJson) {
            if (key.equals("forbidden")) {
                throw new IllegalStateException("the server refused XCom 'forbidden'");
            }
            puts.add(key + "=" + valueJson);
        }

        @Override
        public void log(String stream, String line) {
            puts.add(stream + ":" + line);
        }

        @Override
        public String llmCatalogJson() {
            return "{\"providers\":[]}";
        }

        @Override
        public LlmAccess.Prepared prepareLlmCall(String callHash) {
            return new LlmAccess.Prepared(callHash.equals("seen") ? Optional.of("{\"text\":\"hi\"}") : Optional.empty(),
                    1_500);
        }

        @Override
        public void recordLlmUsage(LlmAccess.Call call) {
            puts.add("llm:" + call.model() + ":" + call.outputTokens() + ":" + call.outcome());
        }

        @Override
        public String readAsset(String assetName, int version) {
            if (assetName.equals("model://none")) {
                throw new IllegalStateException("asset 'model://none' has no version yet");
            }
            return "{\"asset\":\"" + assetName + "\",\"version\":" + (version == 0 ? 7 : version) + "}";
        }

        @Override
        public String connectionJson(String connId) {
            return "{\"connId\":\"" + connId + "\",\"type\":\"postgres\",\"password\":\"pw\"}";
        }

        @Override
        public String variable(String key) {
            return "value of " + key;
        }

        @Override
        public int emitAsset(String assetName, String metadataJson) {
            puts.add("emit " + assetName + "=" + metadataJson);
            return 3;
        }

        @Override
        public Optional<String> readAssetAlias(String assetName, String alias) {
            return alias.equals("production") ? Optional.of("{\"asset\":\"" + assetName + "\",\"version\":5}")
                    : Optional.empty();
        }

        @Override
        public void moveAssetAlias(String assetName, String alias, int toVersion, int expectedFromVersion,
                                   String reason) {
            if (expectedFromVersion != 5) {
                throw new AliasMovedException("alias " + alias + " points at version 5, not " + expectedFromVersion);
            }
            puts.add("move " + alias + " " + expectedFromVersion + "->" + toVersion + ": " + reason);
        }
    }, JSON);

    @Test
    void aChildJvmReachesTheLlmAccountingThroughTheSocket() {
        assertThat(protocol.handle("{\"op\":\"llm_catalog\"}"))
                .isEqualTo("{\"ok\":true,\"value\":\"{\\\"providers\\\":[]}\"}");
        assertThat(protocol.handle("{\"op\":\"llm_prepare\",\"call_hash\":\"seen\"}")).isEqualTo(
                "{\"ok\":true,\"found\":true,\"run_spent_micro_usd\":1500,\"response\":\"{\\\"text\\\":\\\"hi\\\"}\"}");
        assertThat(protocol.handle("{\"op\":\"llm_prepare\",\"call_hash\":\"new\"}"))
                .isEqualTo("{\"ok\":true,\"found\":false,\"run_spent_micro_usd\":1500}");
        var record = JSON.createObjectNode().put("op", "llm_record");
        record.set("call", JSON.valueToTree(LlmAccess.Call.of("openai", "mini").tokens(12, 7)
                .costMicroUsd(9).latencyMs(310).reasons("chose openai/mini").replayable("h1", "{}").build()));
        assertThat(protocol.handle(JSON.writeValueAsString(record))).isEqualTo("{\"ok\":true}");
        assertThat(puts).containsExactly("llm:mini:7:success");
    }

    @Test
    void aChildReadsItsEarlierTriggerEventsAndAsksToDefer() {
        assertThat(protocol.handle("{\"op\":\"get_trigger_events\"}")).isEqualTo(
                "{\"ok\":true,\"value\":[{\"kind\":\"time\",\"event\":{\"at\":\"2026-12-02T14:00:00Z\"}}]}");
        assertThat(protocol.handle("{\"op\":\"defer\",\"kind\":\"time\",\"spec\":{\"after\":\"PT1M\"},"
                + "\"timeout_ms\":5000}")).isEqualTo("{\"ok\":true}");
        assertThat(puts).containsExactly("defer:time:{\"after\":\"PT1M\"}:5000");
        assertThat(protocol.handle("{\"op\":\"defer\",\"kind\":\"time\",\"spec\":\"PT1M\"}"))
                .contains("defer needs \\\"kind\\\" (e.g. \\\"time\\\") and \\\"spec\\\" (a JSON object)");
    }

    @Test
    void assetsAreReadAndEmittedWithTheVersionInTheAnswer() {
        assertThat(protocol.handle("{\"op\":\"read_asset\",\"name\":\"model://m\"}"))
                .isEqualTo("{\"ok\":true,\"value\":{\"asset\":\"model://m\",\"version\":7}}");
        assertThat(protocol.handle("{\"op\":\"read_asset\",\"name\":\"model://m\",\"version\":2}"))
                .isEqualTo("{\"ok\":true,\"value\":{\"asset\":\"model://m\",\"version\":2}}");
        assertThat(protocol.handle("{\"op\":\"emit_asset\",\"name\":\"model://m\",\"metadata\":{\"rmse\":0.5}}"))
                .isEqualTo("{\"ok\":true,\"version\":3}");
        assertThat(puts).containsExactly("emit model://m={\"rmse\":0.5}");
        assertThat(protocol.handle("{\"op\":\"read_asset\",\"name\":\"model://none\"}"))
                .isEqualTo("{\"ok\":false,\"error\":\"asset 'model://none' has no version yet\"}");
        assertThat(protocol.handle("{\"op\":\"emit_asset\"}")).contains("emit_asset needs \\\"name\\\"");
    }

    @Test
    void aChildReadsAnAliasAndMovesItOnlyFromTheVersionItExpects() {
        assertThat(protocol.handle("{\"op\":\"read_asset\",\"name\":\"model://m\",\"alias\":\"production\"}"))
                .isEqualTo("{\"ok\":true,\"found\":true,\"value\":{\"asset\":\"model://m\",\"version\":5}}");
        assertThat(protocol.handle("{\"op\":\"read_asset\",\"name\":\"model://m\",\"alias\":\"staging\"}"))
                .isEqualTo("{\"ok\":true,\"found\":false}");
        assertThat(protocol.handle("{\"op\":\"move_alias\",\"name\":\"model://m\",\"alias\":\"production\","
                + "\"to_version\":6,\"expected_from_version\":5,\"reason\":\"better\"}")).isEqualTo("{\"ok\":true}");
        assertThat(puts).containsExactly("move production 5->6: better");
        assertThat(protocol.handle("{\"op\":\"move_alias\",\"name\":\"model://m\",\"alias\":\"production\","
                + "\"to_version\":6,\"expected_from_version\":4}")).isEqualTo(
                "{\"ok\":false,\"alias_moved\":true,\"error\":\"alias production points at version 5, not 4\"}");
        assertThat(protocol.handle("{\"op\":\"move_alias\",\"name\":\"model://m\"}"))
                .contains("move_alias needs");
    }

    @Test
    void anUnmappedInstanceHasNoItemToGet() {
        assertThat(protocol.handle("{\"op\":\"get_item\"}"))
                .isEqualTo("{\"ok\":false,\"error\":\"this task instance is not mapped, so it has no item\"}");
    }

    @Test
    void getXComDefaultsToTheOutputOfAnUnmappedTask() {
        assertThat(protocol.handle("{\"op\":\"get_xcom\",\"task_id\":\"a\"}"))
                .isEqualTo("{\"ok\":true,\"found\":true,\"value\":[\"a\",-1,\"return_value\"]}");
        assertThat(protocol.handle("{\"op\":\"get_xcom\",\"task_id\":\"a\",\"map_index\":4,\"key\":\"rows\"}"))
                .isEqualTo("{\"ok\":true,\"found\":true,\"value\":[\"a\",4,\"rows\"]}");
    }

    @Test
    void putXComAndLogReachTheChannel() {
        assertThat(protocol.handle("{\"op\":\"put_xcom\",\"value\":{\"a\":[1,2]}}")).isEqualTo("{\"ok\":true}");
        assertThat(protocol.handle("{\"op\":\"log\",\"line\":\"hi\"}")).isEqualTo("{\"ok\":true}");
        assertThat(puts).containsExactly("return_value={\"a\":[1,2]}", "task:hi");
    }

    @Test
    void badRequestsAreAnsweredWithAnErrorThatSaysWhatToSend() {
        assertThat(protocol.handle("not json")).startsWith("{\"ok\":false,\"error\":\"the request is not valid JSON");
        assertThat(protocol.handle("[1]")).contains("must be a JSON object with an \\\"op\\\"");
        assertThat(protocol.handle("{\"op\":\"get_xcom\"}")).contains("get_xcom needs \\\"task_id\\\"");
        assertThat(protocol.handle("{\"op\":\"put_xcom\",\"key\":\"k\"}")).contains("put_xcom needs \\\"value\\\"");
        assertThat(protocol.handle("{\"op\":\"put_xcom\",\"key\":\"forbidden\",\"value\":1}"))
                .isEqualTo("{\"ok\":false,\"error\":\"the server refused XCom 'forbidden'\"}");
    }
}

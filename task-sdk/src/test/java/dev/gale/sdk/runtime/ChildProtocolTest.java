package dev.gale.sdk.runtime;

import static org.assertj.core.api.Assertions.assertThat;

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
    }, JSON);

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

package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's trace, end to end: triggered over REST on a real server, run by a worker over gRPC, each with an SDK
 * of its own (as two processes would have), the task calling a local OpenAI-compatible server. One trace holds
 * the trigger, the run's creation, each claim, each attempt on the worker and its model call.
 */
class TracingIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final InMemorySpanExporter EXPORTED = InMemorySpanExporter.create();
    private static HttpServer openAi;
    private static OpenTelemetrySdk serverSdk;
    private static OpenTelemetrySdk workerSdk;
    private static GaleTestServer gale;

    @BeforeAll
    static void start() throws IOException {
        openAi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        openAi.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = """
                    {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini",
                     "choices":[{"index":0,"message":{"role":"assistant","content":"Mars"},"finish_reason":"stop"}],
                     "usage":{"prompt_tokens":2000,"completion_tokens":1000,"total_tokens":3000}}"""
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        openAi.start();
        String catalog = """
                {"providers": [{"name": "openai", "type": "openai", "baseUrl": "http://127.0.0.1:%d/v1",
                  "apiKeyEnv": "NO_SUCH_ENV", "models": [{"model": "gpt-4o-mini", "capabilities": ["chat"],
                  "qualityTier": 2, "inputPricePer1k": 0.00015, "outputPricePer1k": 0.0006, "contextTokens": 128000,
                  "typicalLatencyMs": 800}]}]}""".formatted(openAi.getAddress().getPort());
        serverSdk = sdk("gale-server");
        workerSdk = sdk("gale-worker");
        gale = GaleTestServer.traced(Map.of("gale.llm.catalog", catalog), serverSdk, workerSdk);
    }

    private static OpenTelemetrySdk sdk(String service) {
        return OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.builder().put("service.name", service).build()))
                .addSpanProcessor(SimpleSpanProcessor.create(EXPORTED)).build()).build();
    }

    @AfterAll
    static void stop() {
        gale.close();
        openAi.stop(0);
        serverSdk.close();
        workerSdk.close();
    }

    @Test
    void oneTraceRunsFromTheRestTriggerThroughTheClaimsToTheWorkersAttemptsAndTheirModelCall() throws Exception {
        JsonNode run = JSON.readTree(gale.post("/api/v1/dags/llm_retry_for_tests/runs?wait=PT30S", "{}").body());
        assertThat(run.get("state").asString()).isEqualTo("success");
        String runId = run.get("runId").asString();

        // The worker ends an attempt's span once the server has its outcome, a moment after the run has finished.
        await().atMost(Duration.ofSeconds(10)).until(() -> attemptSpans(runId).size() == 2);
        SpanData trigger = only(span -> span.getName().equals("POST /api/v1/dags/{dagId}/runs")
                && runId.equals(createRun(span.getTraceId()).getAttributes().get(key("run_id"))));
        String traceId = trigger.getTraceId();
        List<SpanData> trace = EXPORTED.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(traceId)).toList();

        assertThat(trigger.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(trigger.getParentSpanId()).isEqualTo(SpanId.getInvalid());
        assertThat(trigger.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200);
        SpanData created = createRun(traceId);
        assertThat(created.getParentSpanId()).isEqualTo(trigger.getSpanId());
        assertThat(created.getAttributes().get(key("dag_id"))).isEqualTo("llm_retry_for_tests");

        List<SpanData> attempts = attemptSpans(runId);
        assertThat(attempts).allSatisfy(attempt -> assertThat(attempt.getTraceId()).isEqualTo(traceId));
        for (SpanData attempt : attempts) {
            long number = attempt.getAttributes().get(AttributeKey.longKey("attempt"));
            assertThat(attempt.getName()).isEqualTo("task llm_retry_for_tests.ask");
            assertThat(attempt.getResource().getAttribute(AttributeKey.stringKey("service.name")))
                    .isEqualTo("gale-worker");
            assertThat(attempt.getAttributes().get(key("dag_id"))).isEqualTo("llm_retry_for_tests");
            assertThat(attempt.getAttributes().get(key("task_id"))).isEqualTo("ask");
            assertThat(attempt.getAttributes().get(AttributeKey.longKey("map_index"))).isEqualTo(-1);
            // Each attempt continues the claim that handed it out, made on the server from the run's stored context.
            SpanData claim = byId(trace, attempt.getParentSpanId());
            assertThat(claim.getName()).isEqualTo("claim task llm_retry_for_tests.ask");
            assertThat(claim.getResource().getAttribute(AttributeKey.stringKey("service.name")))
                    .isEqualTo("gale-server");
            assertThat(claim.getAttributes().get(AttributeKey.longKey("attempt"))).isEqualTo(number);
            assertThat(claim.getParentSpanId()).isEqualTo(created.getSpanId());
            // The attempt's calls to the server (its start, its outcome) are part of its trace on the server.
            assertThat(trace).anySatisfy(rpc -> {
                assertThat(rpc.getName()).isEqualTo("gale.tei.v1.TaskExecution/StartTask");
                assertThat(rpc.getKind()).isEqualTo(SpanKind.SERVER);
                assertThat(rpc.getParentSpanId()).isEqualTo(attempt.getSpanId());
            });
            SpanData call = trace.stream().filter(span -> span.getParentSpanId().equals(attempt.getSpanId())
                    && span.getName().equals("chat gpt-4o-mini")).findFirst().orElseThrow();
            assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(call.getAttributes().get(key("gen_ai.provider.name"))).isEqualTo("openai");
            assertThat(call.getAttributes().get(key("gen_ai.request.model"))).isEqualTo("gpt-4o-mini");
            if (number == 1) {
                assertThat(attempt.getStatus().getDescription()).contains("the first attempt fails");
                assertThat(call.getAttributes().get(key("gale.llm.outcome"))).isEqualTo("success");
                assertThat(call.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(2000);
                assertThat(call.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")))
                        .isEqualTo(1000);
            } else {
                assertThat(call.getAttributes().get(key("gale.llm.outcome"))).isEqualTo("replayed");
            }
        }
        assertThat(attempts).extracting(a -> a.getAttributes().get(AttributeKey.longKey("attempt")))
                .containsExactlyInAnyOrder(1L, 2L);
    }

    private static List<SpanData> attemptSpans(String runId) {
        return EXPORTED.getFinishedSpanItems().stream()
                .filter(span -> span.getName().startsWith("task ") && runId.equals(span.getAttributes().get(key("run_id"))))
                .toList();
    }

    private static SpanData createRun(String traceId) {
        return EXPORTED.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(traceId) && span.getName().equals("create run"))
                .findFirst().orElseThrow(() -> new AssertionError("no 'create run' span in trace " + traceId));
    }

    private static SpanData only(java.util.function.Predicate<SpanData> which) {
        List<SpanData> found = EXPORTED.getFinishedSpanItems().stream().filter(which).toList();
        assertThat(found).hasSize(1);
        return found.getFirst();
    }

    private static SpanData byId(List<SpanData> trace, String spanId) {
        return trace.stream().filter(span -> span.getSpanId().equals(spanId)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + spanId + " in the trace: " + trace));
    }

    private static AttributeKey<String> key(String name) {
        return AttributeKey.stringKey(name);
    }
}

package dev.gale.llm;

import dev.gale.sdk.LlmAccess;
import dev.gale.sdk.TaskContext;
import dev.gale.sdk.Trigger;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A chat batch on an OpenAI-compatible Batch API: upload the requests as JSONL, create the batch, defer
 * on an {@code llm_batch} trigger until its status is final, then read the output file back by custom_id.
 * The task itself asks for the status on each resume, so the provider's key never leaves the worker: the
 * trigger holds only the batch id and base URL and fires on its timeout, one poll interval later.
 */
final class BatchJob {
    static final String TRIGGER_KIND = "llm_batch";
    /** The Batch API bills half the synchronous price (OpenAI's discount), which the catalog's prices are. */
    static final double PRICE_FACTOR = 0.5;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ENDPOINT = "/v1/chat/completions";
    private static final List<String> FAILED = List.of("failed", "expired", "cancelling", "cancelled");
    private static final List<String> PROVIDER_TYPES = List.of("openai", "openai-compatible", "azure-openai");

    private final TaskContext ctx;
    private final LlmAccess access;
    private final LlmCatalog.Provider provider;
    private final ModelSpec model;
    private final String reasons;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    BatchJob(TaskContext ctx, LlmAccess access, LlmCatalog.Provider provider, ModelSpec model, String reasons) {
        if (!PROVIDER_TYPES.contains(provider.type())) {
            throw new LlmException("a chat batch needs a provider with OpenAI's Batch API (type openai,"
                    + " openai-compatible or azure-openai); " + model.id() + " is on '" + provider.name() + "' of type "
                    + provider.type());
        }
        this.ctx = ctx;
        this.access = access;
        this.provider = provider;
        this.model = model;
        this.reasons = reasons;
    }

    List<String> run(List<BatchRequest> requests, Duration pollInterval) {
        if (requests.isEmpty()) {
            return List.of();
        }
        if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("a batch's poll interval must be positive; got " + pollInterval);
        }
        Optional<String> submitted = ctx.nextDeferEvent().filter(e -> e.kind().equals(TRIGGER_KIND))
                .map(e -> e.data().get("batchId").toString());
        String batchId = submitted.orElseGet(() -> submit(requests));
        Trigger wait = Trigger.of(TRIGGER_KIND, Map.of("batchId", batchId, "baseUrl", provider.baseUrl(),
                "timeoutEvent", Map.of("batchId", batchId, "baseUrl", provider.baseUrl())));
        if (submitted.isEmpty()) {
            ctx.defer(wait, pollInterval);
        }
        while (ctx.nextDeferEvent().filter(e -> batchId.equals(e.data().get("batchId"))).isPresent()) {
            ctx.defer(wait, pollInterval);
        }
        JsonNode batch = get("/batches/" + batchId);
        String status = batch.path("status").asString();
        if (FAILED.contains(status)) {
            String why = "batch " + batchId + " on " + provider.name() + " ended " + status + ": " + errors(batch);
            access.record(LlmAccess.Call.of(model.provider(), model.model()).reasons(reasons).failed(why).build());
            throw new LlmException(why);
        }
        if (!status.equals("completed")) {
            ctx.log("llm: batch " + batchId + " is " + status + " (" + batch.path("request_counts") + "); asking again in "
                    + pollInterval);
            ctx.defer(wait, pollInterval);
        }
        return answers(batchId, batch, requests.size());
    }

    private String submit(List<BatchRequest> requests) {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < requests.size(); i++) {
            BatchRequest request = requests.get(i);
            ObjectNode body = JSON.createObjectNode().put("model", model.model());
            var messages = body.putArray("messages");
            if (request.system() != null) {
                messages.addObject().put("role", "system").put("content", request.system());
            }
            messages.addObject().put("role", "user").put("content", request.user());
            ObjectNode line = JSON.createObjectNode().put("custom_id", customId(i)).put("method", "POST")
                    .put("url", ENDPOINT);
            line.set("body", body);
            jsonl.append(JSON.writeValueAsString(line)).append('\n');
        }
        String boundary = "gale-" + UUID.randomUUID();
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"batch.jsonl\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n" + jsonl + "\r\n--" + boundary + "--\r\n";
        String fileId = send(request("/files").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(multipart)), "upload the batch's requests").path("id")
                .asString();
        ObjectNode create = JSON.createObjectNode().put("input_file_id", fileId).put("endpoint", ENDPOINT)
                .put("completion_window", "24h");
        String batchId = send(request("/batches").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(create))), "create the batch")
                .path("id").asString();
        ctx.log("llm: submitted " + requests.size() + " requests to " + model.id() + " as batch " + batchId);
        return batchId;
    }

    private List<String> answers(String batchId, JsonNode batch, int count) {
        Map<String, JsonNode> byId = new HashMap<>();
        for (String file : List.of(batch.path("output_file_id").asString(""), batch.path("error_file_id").asString(""))) {
            if (!file.isEmpty()) {
                for (String line : content(file).split("\n")) {
                    if (!line.isBlank()) {
                        JsonNode result = JSON.readTree(line);
                        byId.put(result.path("custom_id").asString(), result);
                    }
                }
            }
        }
        String batchReasons = reasons + "; batch " + batchId + ", billed at " + PRICE_FACTOR + " of the catalog's price";
        List<String> answers = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JsonNode result = byId.get(customId(i));
            JsonNode response = result == null ? null : result.path("response");
            if (result == null || !result.path("error").isNull() && !result.path("error").isMissingNode()
                    || response.path("status_code").asInt() != 200) {
                failures.add("request " + i + ": " + (result == null ? "not in the batch's output"
                        : result.path("error").isObject() ? result.path("error").toString()
                        : "HTTP " + response.path("status_code").asInt() + " " + response.path("body")));
                continue;
            }
            JsonNode body = response.path("body");
            long in = body.path("usage").path("prompt_tokens").asLong();
            long out = body.path("usage").path("completion_tokens").asLong();
            access.record(LlmAccess.Call.of(model.provider(), model.model()).tokens(in, out)
                    .costMicroUsd(Math.round((in * model.inputPricePer1k() + out * model.outputPricePer1k()) * 1_000
                            * PRICE_FACTOR))
                    .reasons(batchReasons).build());
            answers.add(body.path("choices").path(0).path("message").path("content").asString());
        }
        if (!failures.isEmpty()) {
            String why = "batch " + batchId + " completed, but " + failures.size() + " of " + count + " requests failed: "
                    + String.join("; ", failures);
            access.record(LlmAccess.Call.of(model.provider(), model.model()).reasons(batchReasons).failed(why).build());
            throw new LlmException(why);
        }
        return answers;
    }

    private static String customId(int index) {
        return "request-" + index;
    }

    private static String errors(JsonNode batch) {
        List<String> errors = new ArrayList<>();
        for (JsonNode error : batch.path("errors").path("data")) {
            errors.add(error.path("code").asString() + ": " + error.path("message").asString()
                    + (error.path("line").isNumber() ? " (line " + error.path("line").asInt() + ")" : ""));
        }
        return errors.isEmpty() ? "the provider gave no reason" : String.join("; ", errors);
    }

    private JsonNode get(String path) {
        return send(request(path).GET(), "read " + path);
    }

    private String content(String fileId) {
        return body(request("/files/" + fileId + "/content").GET(), "download file " + fileId);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(provider.baseUrl().replaceAll("/+$", "") + path))
                .timeout(provider.timeoutMs() == null ? Duration.ofSeconds(60) : Duration.ofMillis(provider.timeoutMs()));
        if (provider.apiKey() != null && !provider.apiKey().isBlank()) {
            request.header("Authorization", "Bearer " + provider.apiKey());
            if (provider.type().equals("azure-openai")) {
                request.header("api-key", provider.apiKey());
            }
        }
        return request;
    }

    private JsonNode send(HttpRequest.Builder request, String what) {
        return JSON.readTree(body(request, what));
    }

    private String body(HttpRequest.Builder request, String what) {
        try {
            HttpResponse<String> response = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() / 100 != 2) {
                String body = response.body();
                throw new LlmException("could not " + what + " on " + provider.name() + ": HTTP "
                        + response.statusCode() + " " + body.substring(0, Math.min(300, body.length())));
            }
            return response.body();
        } catch (IOException e) {
            throw new LlmException("could not " + what + " on " + provider.name() + ": " + TaskLlm.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException("the task was stopped while it waited to " + what, e);
        }
    }
}

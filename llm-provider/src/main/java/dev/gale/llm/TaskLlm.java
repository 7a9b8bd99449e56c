package dev.gale.llm;

import dev.gale.sdk.LlmAccess;
import dev.gale.sdk.ModelNeeds;
import dev.gale.sdk.TaskContext;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.openai.OpenAiTokenCountEstimator;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.service.output.JsonSchemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.commons.codec.binary.Hex;
import org.apache.commons.codec.digest.DigestUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@link Llm} for one task attempt: chooses, calls, retries, falls back, replays and records. */
final class TaskLlm implements Llm {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final OpenAiTokenCountEstimator TOKENS = new OpenAiTokenCountEstimator("gpt-4o-mini");
    /** Providers whose LangChain4j module sends a JSON schema natively; the others get it in the prompt. */
    /** The usage records' device of an in-process model on the CPU. */
    private static final String CPU = "cpu";
    private static final List<String> NATIVE_SCHEMA = List.of("openai", "azure-openai", "openai-compatible", "ollama",
            "mistral", "gemini");

    /** What a run's conf says about this task's LLM calls. */
    record RunSettings(Optional<String> modelOverride, Optional<Double> budgetUsd) {
    }

    private final LlmAccess access;
    private final Consumer<String> log;
    private final LlmCatalog catalog;
    private final ModelRequirements needs;
    private final RunSettings run;
    private final boolean replay;
    private final LocalDevice device;
    /** The task's context, for a batch's deferral; null where the task cannot defer (the LLM layer's own tests). */
    private final TaskContext ctx;
    private ModelChoice chatChoice;
    private ModelChoice embeddingChoice;
    private LocalEmbedder localEmbedder;

    /**
     * The in-process embedding model for this task, where it runs ({@code cpu}, {@code gpu:0}) and, when not
     * where the task asked, why (appended to the usage records' reasons).
     */
    private record LocalEmbedder(OnnxEmbeddingEngine model, String device, String note) {
    }

    TaskLlm(LlmAccess access, Consumer<String> log, LlmCatalog catalog, ModelRequirements needs, RunSettings run,
            boolean replay) {
        this(access, log, catalog, needs, run, replay, LocalDevice.CPU, null);
    }

    TaskLlm(LlmAccess access, Consumer<String> log, LlmCatalog catalog, ModelRequirements needs, RunSettings run,
            boolean replay, LocalDevice device, TaskContext ctx) {
        this.access = access;
        this.log = log;
        this.catalog = catalog;
        this.needs = needs;
        this.run = run;
        this.replay = replay;
        this.device = device;
        this.ctx = ctx;
    }

    @Override
    public String chat(String user) {
        return chat(null, user);
    }

    @Override
    public String chat(String system, String user) {
        return complete(system, user, null);
    }

    @Override
    public <T> T chat(String system, String user, Class<T> type) {
        String text = complete(system, user, type);
        String json = text.strip().replaceFirst("^```(?:json)?\\s*", "").replaceFirst("\\s*```$", "");
        try {
            return JSON.readValue(json, type);
        } catch (JacksonException e) {
            throw new LlmException("the model answered text that is not a " + type.getSimpleName() + " in JSON ("
                    + e.getOriginalMessage() + "); its answer began: "
                    + text.substring(0, Math.min(200, text.length())), e);
        }
    }

    @Override
    public synchronized ModelChoice chatChoice() {
        if (chatChoice == null) {
            chatChoice = choose(Capability.CHAT);
        }
        return chatChoice;
    }

    @Override
    public synchronized ModelChoice embeddingChoice() {
        if (embeddingChoice == null) {
            embeddingChoice = choose(Capability.EMBEDDING);
        }
        return embeddingChoice;
    }

    private ModelChoice choose(Capability capability) {
        ModelRequirements wanted = needs.withCapability(capability);
        ModelChoice choice = run.modelOverride().isPresent() && capability == needs.capability()
                ? ModelPolicy.override(wanted, catalog.models(), run.modelOverride().get())
                : ModelPolicy.choose(wanted, catalog.models());
        if (choice.model().isEmpty() && capability == Capability.CHAT && run.modelOverride().isEmpty()) {
            Optional<ModelSpec> extractive = catalog.models().stream()
                    .filter(m -> m.provider().equals(LlmCatalog.LOCAL_PROVIDER) && m.model().equals(LlmCatalog.EXTRACTIVE))
                    .findFirst();
            if (extractive.isPresent()) {
                List<String> reasons = new ArrayList<>(List.of("chose " + extractive.get().id()
                        + ": no language model is configured (gale.llm.catalog), so answers quote the passages given"));
                return new ModelChoice(extractive, reasons, extractive.stream().toList());
            }
        }
        if (choice.model().isEmpty()) {
            throw new LlmException("no model for this task's " + capability.name().toLowerCase() + " calls: "
                    + choice.explanation());
        }
        log.accept("llm: " + choice.explanation());
        return choice;
    }

    private String complete(String system, String user, Class<?> type) {
        ModelChoice choice = chatChoice();
        List<String> failures = new ArrayList<>();
        List<ModelSpec> candidates = choice.acceptable();
        for (int i = 0; i < candidates.size(); i++) {
            ModelSpec model = candidates.get(i);
            if (model.provider().equals(LlmCatalog.LOCAL_PROVIDER)) {
                return extractive(model, choice, user, type);
            }
            Optional<String> answer = completeWith(model, choice.explanation(), system, user, type, failures);
            if (answer.isPresent()) {
                return answer.get();
            }
            if (i + 1 < candidates.size()) {
                log.accept("llm: falling back from " + model.id() + " to " + candidates.get(i + 1).id() + " after: "
                        + failures.getLast());
            }
        }
        throw new LlmException("every acceptable model failed: " + String.join("; ", failures));
    }

    private String extractive(ModelSpec model, ModelChoice choice, String user, Class<?> type) {
        if (type != null) {
            throw new LlmException("structured output (" + type.getSimpleName() + ") needs a language model, and none"
                    + " is configured; add one to gale.llm.catalog");
        }
        String answer = ExtractiveAnswerer.answer(user);
        access.record(LlmAccess.Call.of(model.provider(), model.model()).tokens(countTokens(user), countTokens(answer))
                .reasons(choice.explanation()).device(CPU).build());
        return answer;
    }

    /** Tries one model, with retries on transient errors; empty when it failed (the reason added to failures). */
    private Optional<String> completeWith(ModelSpec model, String reasons, String system, String user, Class<?> type,
                                          List<String> failures) {
        LlmCatalog.Provider provider = catalog.provider(model.provider()).orElseThrow();
        JsonSchema schema = type == null ? null : JsonSchemas.jsonSchemaFrom(type).orElseThrow(() ->
                new LlmException(type.getName() + " has no JSON schema; use a record or a class with fields"));
        boolean nativeSchema = NATIVE_SCHEMA.contains(provider.type());
        List<ChatMessage> messages = new ArrayList<>();
        String systemText = schema == null || nativeSchema ? system
                : (system == null ? "" : system + "\n\n") + "Answer with one JSON object only, no other text, with"
                + " these fields: " + fields(type);
        if (systemText != null) {
            messages.add(SystemMessage.from(systemText));
        }
        messages.add(UserMessage.from(user));
        ChatRequest.Builder request = ChatRequest.builder().messages(messages);
        if (schema != null && nativeSchema) {
            request.responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(schema).build());
        }
        String callHash = hash(model.id(), systemText, user, schema == null ? "" : schema.toString());
        LlmAccess.Prepared prepared = access.prepare(replay ? callHash : "");
        if (prepared.replayedResponse().isPresent()) {
            JsonNode recorded = JSON.readTree(prepared.replayedResponse().get());
            access.record(LlmAccess.Call.of(model.provider(), model.model()).outcome("replayed").reasons(reasons)
                    .replayable(callHash, "").build());
            log.accept("llm: answered from an earlier attempt's identical call to " + model.id() + " (replay)");
            return Optional.of(recorded.path("text").asString());
        }
        checkBudget(model, prepared.runSpentMicroUsd(), countTokens((systemText == null ? "" : systemText) + user));
        ChatModel chatModel = ProviderModels.chat(provider, model.model());
        int attempts = Math.max(1, catalog.retry().attempts());
        long backoffMs = catalog.retry().initialBackoffMs();
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            try {
                ChatResponse response = chatModel.chat(request.build());
                long latencyMs = (System.nanoTime() - started) / 1_000_000;
                String text = response.aiMessage().text();
                TokenUsage usage = response.tokenUsage();
                long in = usage != null && usage.inputTokenCount() != null ? usage.inputTokenCount()
                        : countTokens(String.valueOf(systemText) + user);
                long out = usage != null && usage.outputTokenCount() != null ? usage.outputTokenCount()
                        : countTokens(text);
                String recorded = JSON.writeValueAsString(JSON.createObjectNode().put("text", text)
                        .put("inputTokens", in).put("outputTokens", out));
                access.record(LlmAccess.Call.of(model.provider(), model.model()).tokens(in, out)
                        .costMicroUsd(cost(model, in, out)).latencyMs(latencyMs).reasons(reasons)
                        .replayable(replay ? callHash : "", recorded).build());
                return Optional.of(text);
            } catch (RuntimeException e) {
                long latencyMs = (System.nanoTime() - started) / 1_000_000;
                boolean rateLimited = e instanceof RateLimitException
                        || e instanceof HttpException http && http.statusCode() == 429;
                String error = model.id() + " (try " + attempt + " of " + attempts + "): " + describe(e);
                access.record(LlmAccess.Call.of(model.provider(), model.model()).latencyMs(latencyMs).reasons(reasons)
                        .outcome(rateLimited ? "rate_limited" : "error").error(describe(e)).build());
                if (!isTransient(e) || attempt >= attempts) {
                    failures.add(error);
                    return Optional.empty();
                }
                log.accept("llm: " + error + "; trying again in " + backoffMs + " ms");
                sleep(backoffMs);
                backoffMs *= 2;
            }
        }
    }

    private void checkBudget(ModelSpec model, long spentMicroUsd, long inputTokens) {
        if (run.budgetUsd().isEmpty()) {
            return;
        }
        long budget = Math.round(run.budgetUsd().get() * 1_000_000);
        long atLeast = spentMicroUsd + cost(model, inputTokens, 0);
        if (atLeast > budget) {
            throw new LlmException(String.format("the run's LLM budget of $%.6f (conf llm.budgetUsd, at most the"
                            + " DAG's llmBudgetUsd) would be exceeded: $%.6f spent so far, and this call to %s costs at least $%.6f", run.budgetUsd().get(),
                    spentMicroUsd / 1e6, model.id(), cost(model, inputTokens, 0) / 1e6));
        }
    }

    @Override
    public AgentResult agent(String system, String user, Object tools, int maxSteps) {
        ModelChoice choice = chatChoice();
        ModelSpec spec = choice.acceptable().getFirst();
        if (spec.provider().equals(LlmCatalog.LOCAL_PROVIDER)) {
            throw new LlmException("an agent call needs a language model that calls tools, and none is configured;"
                    + " add one to gale.llm.catalog");
        }
        ChatModel chatModel = ProviderModels.chat(catalog.provider(spec.provider()).orElseThrow(), spec.model());
        return new AgentLoop(access, log, replay).run(new AgentLoop.Model() {
            @Override
            public ModelSpec spec() {
                return spec;
            }

            @Override
            public String reasons() {
                return choice.explanation();
            }

            @Override
            public ChatModel chatModel() {
                return chatModel;
            }

            @Override
            public void checkBudget(long spentMicroUsd, long inputTokens) {
                TaskLlm.this.checkBudget(spec, spentMicroUsd, inputTokens);
            }

            @Override
            public int countTokens(String text) {
                return TaskLlm.this.countTokens(text);
            }
        }, system, user, tools, maxSteps);
    }

    @Override
    public List<String> chatBatch(List<BatchRequest> requests, Duration pollInterval) {
        if (ctx == null) {
            throw new LlmException("a chat batch defers the task, which needs the task's context (CommonLlm.forTask)");
        }
        ModelChoice choice = chatChoice();
        ModelSpec model = choice.acceptable().getFirst();
        if (model.provider().equals(LlmCatalog.LOCAL_PROVIDER)) {
            throw new LlmException("a chat batch needs a language model with a Batch API, and none is configured;"
                    + " add one to gale.llm.catalog");
        }
        return new BatchJob(ctx, access, catalog.provider(model.provider()).orElseThrow(), model, choice.explanation())
                .run(requests, pollInterval);
    }

    @Override
    public float[] embed(String text) {
        return embed(List.of(text)).getFirst();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        return embedAll(texts).vectors();
    }

    @Override
    public Embeddings embedAll(List<String> texts) {
        ModelChoice choice = embeddingChoice();
        List<String> failures = new ArrayList<>();
        for (ModelSpec model : choice.acceptable()) {
            String reasons = choice.explanation();
            String ranOn = "";
            LocalEmbedder onDevice = null;
            EmbeddingModel provider = null;
            if (model.provider().equals(LlmCatalog.LOCAL_PROVIDER)) {
                onDevice = localEmbedder(model, reasons);
                ranOn = onDevice.device();
                reasons = reasons + onDevice.note();
            } else {
                provider = ProviderModels.embedding(catalog.provider(model.provider()).orElseThrow(), model.model());
            }
            long started = System.nanoTime();
            try {
                Embeddings embedded = onDevice != null ? onDevice.model().embedTexts(texts) : remote(provider, texts);
                long latencyMs = (System.nanoTime() - started) / 1_000_000;
                access.record(LlmAccess.Call.of(model.provider(), model.model()).tokens(embedded.tokens(), 0)
                        .costMicroUsd(cost(model, embedded.tokens(), 0)).latencyMs(latencyMs).reasons(reasons)
                        .device(ranOn).embeddedTexts(texts.size()).build());
                return embedded;
            } catch (RuntimeException e) {
                access.record(LlmAccess.Call.of(model.provider(), model.model())
                        .latencyMs((System.nanoTime() - started) / 1_000_000).reasons(reasons).failed(describe(e))
                        .device(ranOn).build());
                failures.add(model.id() + ": " + describe(e));
            }
        }
        throw new LlmException("every acceptable embedding model failed: " + String.join("; ", failures));
    }

    /** A provider's embedding call: it counts the tokens, or they are estimated; providers window nothing. */
    private Embeddings remote(EmbeddingModel provider, List<String> texts) {
        Response<List<Embedding>> response = provider.embedAll(texts.stream().map(TextSegment::from).toList());
        long in = response.tokenUsage() != null && response.tokenUsage().inputTokenCount() != null
                ? response.tokenUsage().inputTokenCount() : texts.stream().mapToLong(this::countTokens).sum();
        return new Embeddings(response.content().stream().map(Embedding::vector).toList(), in, 0);
    }

    /**
     * The local model on the attempt's GPU when the task asked for one, else on the CPU. When CUDA cannot
     * be initialised, the task's {@code whenGpuUnavailable} says whether to run on the CPU or to fail.
     */
    private synchronized LocalEmbedder localEmbedder(ModelSpec model, String reasons) {
        if (localEmbedder != null) {
            return localEmbedder;
        }
        if (device.gpus().isEmpty()) {
            localEmbedder = new LocalEmbedder(LocalEmbeddings.cpu(), CPU, "");
            return localEmbedder;
        }
        int gpu = device.gpus().getFirst();
        LocalEmbeddings.OnCuda cuda = LocalEmbeddings.onCuda(
                LocalEmbeddings.cudaOrdinal(gpu, System.getenv("CUDA_VISIBLE_DEVICES")));
        if (cuda.model().isPresent()) {
            log.accept("llm: " + model.id() + " runs on GPU " + gpu + " (CUDA)");
            localEmbedder = new LocalEmbedder(cuda.model().get(), "gpu:" + gpu, "");
            return localEmbedder;
        }
        if (device.whenGpuUnavailable() == ModelNeeds.GpuFallback.FAIL) {
            String reason = model.id() + " cannot run on GPU " + gpu + ", and the task's model needs say"
                    + " whenGpuUnavailable(FAIL): " + cuda.failure();
            access.record(LlmAccess.Call.of(model.provider(), model.model()).reasons(reasons).failed(reason)
                    .device("gpu:" + gpu).build());
            throw new LlmException(reason);
        }
        log.accept("llm: " + model.id() + " runs on the CPU instead of GPU " + gpu + " (the task's"
                + " whenGpuUnavailable is CPU; the vectors are the same, only slower): " + cuda.failure());
        localEmbedder = new LocalEmbedder(LocalEmbeddings.cpu(), CPU, "; GPU " + gpu + " could not be used, so it ran"
                + " on the CPU");
        return localEmbedder;
    }

    @Override
    public int countTokens(String text) {
        return TOKENS.estimateTokenCountInText(text);
    }

    static long cost(ModelSpec model, long inputTokens, long outputTokens) {
        return Math.round((inputTokens * model.inputPricePer1k() + outputTokens * model.outputPricePer1k()) * 1_000);
    }

    /** Rate limits, timeouts, 5xx and lost connections pass; anything else would fail again the same way. */
    private static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RetriableException || t instanceof IOException
                    || t instanceof HttpException http && (http.statusCode() == 429 || http.statusCode() >= 500)) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return e.getClass().getSimpleName() + ": " + message.substring(0, Math.min(300, message.length()));
    }

    private static String fields(Class<?> type) {
        if (type.isRecord()) {
            return Arrays.stream(type.getRecordComponents()).map(c -> c.getName() + " ("
                    + c.getType().getSimpleName() + ")").collect(Collectors.joining(", "));
        }
        return Arrays.stream(type.getDeclaredFields()).map(f -> f.getName() + " (" + f.getType().getSimpleName() + ")")
                .collect(Collectors.joining(", "));
    }

    static String hash(String... parts) {
        MessageDigest digest = DigestUtils.getSha256Digest();
        for (String part : parts) {
            digest.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        return Hex.encodeHexString(digest.digest());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException("the task was stopped while waiting to retry a model call", e);
        }
    }
}

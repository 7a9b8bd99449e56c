package dev.gale.llm;

import dev.gale.sdk.LlmAccess;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.service.tool.ToolExecutor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tool-calling loop behind {@link Llm#agent}: the model is offered the {@link Tool}-annotated methods of
 * the task's tools object, each tool it asks for runs and its result goes back, until it answers without
 * asking or the step limit is reached. Every model turn and tool call is recorded under a hash of all that
 * came before it, so a retried attempt replays the steps an earlier attempt finished instead of repeating
 * them (and their cost or side effects).
 */
final class AgentLoop {
    /** The usage records' provider of a tool call, which costs nothing and is replayed like a model turn. */
    static final String TOOL = "tool";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LlmAccess access;
    private final Consumer<String> log;
    private final boolean replay;

    AgentLoop(LlmAccess access, Consumer<String> log, boolean replay) {
        this.access = access;
        this.log = log;
        this.replay = replay;
    }

    /** What the loop needs of the chosen model: its spec, the LangChain4j model and the run's budget check. */
    interface Model {
        ModelSpec spec();

        String reasons();

        ChatModel chatModel();

        void checkBudget(long spentMicroUsd, long inputTokens);

        int countTokens(String text);
    }

    AgentResult run(Model model, String system, String user, Object tools, int maxSteps) {
        if (maxSteps < 1) {
            throw new LlmException("an agent call needs at least one step, not " + maxSteps);
        }
        List<ToolSpecification> specs = ToolSpecifications.toolSpecificationsFrom(tools);
        Map<String, ToolExecutor> executors = executors(tools);
        if (executors.isEmpty()) {
            throw new LlmException(tools.getClass().getName() + " has no method annotated with @Tool; an agent call"
                    + " offers the model those methods");
        }
        List<ChatMessage> messages = new ArrayList<>();
        if (system != null) {
            messages.add(SystemMessage.from(system));
        }
        messages.add(UserMessage.from(user));
        List<AgentResult.Step> transcript = new ArrayList<>();
        for (int step = 1; step <= maxSteps; step++) {
            String history = ChatMessageSerializer.messagesToJson(messages);
            AiMessage reply = modelTurn(model, specs, messages, history, transcript);
            messages.add(reply);
            if (!reply.hasToolExecutionRequests()) {
                return new AgentResult(reply.text(), List.copyOf(transcript));
            }
            for (ToolExecutionRequest request : reply.toolExecutionRequests()) {
                String result = toolCall(executors, request, history, transcript);
                messages.add(ToolExecutionResultMessage.from(request, result));
            }
        }
        throw new LlmException("the agent did not answer within its limit of " + maxSteps + " steps; its last step"
                + " asked for " + transcript.getLast().name() + " (raise maxSteps or narrow the question)");
    }

    private AiMessage modelTurn(Model model, List<ToolSpecification> specs, List<ChatMessage> messages,
                                String history, List<AgentResult.Step> transcript) {
        ModelSpec spec = model.spec();
        String callHash = TaskLlm.hash(spec.id(), "agent", history, specs.toString());
        LlmAccess.Prepared prepared = access.prepare(replay ? callHash : "");
        if (prepared.replayedResponse().isPresent()) {
            AiMessage recorded = (AiMessage) ChatMessageDeserializer.messageFromJson(
                    JSON.readTree(prepared.replayedResponse().get()).path("message").asString());
            access.record(LlmAccess.Call.of(spec.provider(), spec.model()).outcome("replayed").reasons(model.reasons())
                    .replayable(callHash, "").build());
            log.accept("llm: agent step answered from an earlier attempt's identical call to " + spec.id() + " (replay)");
            transcript.add(modelStep(recorded, true));
            return recorded;
        }
        model.checkBudget(prepared.runSpentMicroUsd(), model.countTokens(history));
        long started = System.nanoTime();
        ChatResponse response;
        try {
            response = model.chatModel().chat(ChatRequest.builder().messages(messages).toolSpecifications(specs)
                    .build());
        } catch (RuntimeException e) {
            access.record(LlmAccess.Call.of(spec.provider(), spec.model())
                    .latencyMs((System.nanoTime() - started) / 1_000_000).reasons(model.reasons())
                    .failed(TaskLlm.describe(e)).build());
            throw new LlmException("the agent's call to " + spec.id() + " failed: " + TaskLlm.describe(e), e);
        }
        long latencyMs = (System.nanoTime() - started) / 1_000_000;
        AiMessage reply = response.aiMessage();
        TokenUsage usage = response.tokenUsage();
        long in = usage != null && usage.inputTokenCount() != null ? usage.inputTokenCount()
                : model.countTokens(history);
        long out = usage != null && usage.outputTokenCount() != null ? usage.outputTokenCount()
                : model.countTokens(ChatMessageSerializer.messageToJson(reply));
        String recorded = JSON.writeValueAsString(JSON.createObjectNode()
                .put("message", ChatMessageSerializer.messageToJson(reply)).put("inputTokens", in)
                .put("outputTokens", out));
        access.record(LlmAccess.Call.of(spec.provider(), spec.model()).tokens(in, out)
                .costMicroUsd(TaskLlm.cost(spec, in, out)).latencyMs(latencyMs).reasons(model.reasons())
                .replayable(replay ? callHash : "", recorded).build());
        transcript.add(modelStep(reply, false));
        return reply;
    }

    private String toolCall(Map<String, ToolExecutor> executors, ToolExecutionRequest request, String history,
                            List<AgentResult.Step> transcript) {
        String callHash = TaskLlm.hash(TOOL, request.name(), request.arguments(), history);
        LlmAccess.Prepared prepared = access.prepare(replay ? callHash : "");
        if (prepared.replayedResponse().isPresent()) {
            String result = JSON.readTree(prepared.replayedResponse().get()).path("result").asString();
            access.record(LlmAccess.Call.of(TOOL, request.name()).outcome("replayed").replayable(callHash, "").build());
            transcript.add(new AgentResult.Step(TOOL, request.name(), request.arguments(), result, true));
            return result;
        }
        ToolExecutor executor = executors.get(request.name());
        long started = System.nanoTime();
        String result;
        String outcome = "success";
        String error = "";
        if (executor == null) {
            // The model is told, so that it can pick a tool that exists, rather than the task failing.
            result = "There is no tool named " + request.name() + "; the tools are " + executors.keySet();
            outcome = "error";
            error = result;
        } else {
            try {
                result = executor.execute(request, null);
            } catch (RuntimeException e) {
                result = "The tool failed: " + TaskLlm.describe(e);
                outcome = "error";
                error = result;
            }
        }
        String recorded = JSON.writeValueAsString(JSON.createObjectNode().put("arguments", request.arguments())
                .put("result", result));
        access.record(LlmAccess.Call.of(TOOL, request.name()).latencyMs((System.nanoTime() - started) / 1_000_000)
                .outcome(outcome).replayable(replay && error.isEmpty() ? callHash : "", recorded).error(error).build());
        transcript.add(new AgentResult.Step(TOOL, request.name(), request.arguments(), result, false));
        return result;
    }

    private static AgentResult.Step modelStep(AiMessage reply, boolean replayed) {
        String asked = reply.hasToolExecutionRequests() ? reply.toolExecutionRequests().stream()
                .map(ToolExecutionRequest::name).collect(Collectors.joining(",")) : "";
        return new AgentResult.Step("model", asked, "", reply.text() == null ? "" : reply.text(), replayed);
    }

    private static Map<String, ToolExecutor> executors(Object tools) {
        Map<String, ToolExecutor> executors = new LinkedHashMap<>();
        for (Method method : tools.getClass().getDeclaredMethods()) {
            if (method.isAnnotationPresent(Tool.class)) {
                ToolSpecification spec = ToolSpecifications.toolSpecificationFrom(method);
                executors.put(spec.name(), new DefaultToolExecutor(tools, method));
            }
        }
        return executors;
    }
}

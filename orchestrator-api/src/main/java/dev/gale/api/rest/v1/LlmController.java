package dev.gale.api.rest.v1;

import dev.gale.llm.LlmCatalog;
import dev.gale.llm.ModelSpec;
import dev.gale.scheduler.service.LlmCallRecord;
import dev.gale.scheduler.service.LlmUsageStore;
import dev.gale.scheduler.service.RunService;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The model catalog ({@code /api/v1/llm/models}) and what a run's model calls cost ({@code …/llm-usage}). */
@RestController
@RequestMapping("/api/v1")
class LlmController {
    /** The provider under which an agent call records the task's tool calls, with their arguments and results. */
    private static final String TOOL = "tool";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final LlmCatalog catalog;
    private final LlmUsageStore usage;
    private final RunService runs;

    LlmController(LlmCatalog catalog, LlmUsageStore usage, RunService runs) {
        this.catalog = catalog;
        this.usage = usage;
        this.runs = runs;
    }

    record ModelResponse(String id, String provider, String model, List<String> capabilities, int qualityTier,
                         double inputPricePer1k, double outputPricePer1k, int contextTokens, long typicalLatencyMs,
                         boolean external, String runsOn) {
        static ModelResponse of(ModelSpec m) {
            return new ModelResponse(m.id(), m.provider(), m.model(), m.capabilities().stream()
                    .map(c -> c.name().toLowerCase(Locale.ROOT)).sorted().toList(), m.qualityTier(),
                    m.inputPricePer1k(), m.outputPricePer1k(), m.contextTokens(), m.typicalLatencyMs(), m.external(),
                    m.runsOn());
        }
    }

    record ModelListResponse(List<ModelResponse> models, List<Map<String, Object>> providers) {
    }

    record Totals(int calls, long inputTokens, long outputTokens, long costMicroUsd, double costUsd) {
        static Totals of(List<LlmCallRecord> calls) {
            long cost = calls.stream().mapToLong(LlmCallRecord::costMicroUsd).sum();
            return new Totals(calls.size(), calls.stream().mapToLong(LlmCallRecord::inputTokens).sum(),
                    calls.stream().mapToLong(LlmCallRecord::outputTokens).sum(), cost, cost / 1e6);
        }
    }

    record TaskUsage(String taskId, int mapIndex, Totals totals, String choiceReasons) {
    }

    record CallResponse(String taskId, int mapIndex, int attempt, String provider, String model, long inputTokens,
                        long outputTokens, long costMicroUsd, long latencyMs, String outcome, String choiceReasons,
                        String error, Instant recordedAt, String device, String toolArguments, String toolResult) {
        static CallResponse of(LlmCallRecord c) {
            boolean tool = c.provider().equals(TOOL) && c.responseJson() != null && !c.responseJson().isBlank();
            JsonNode step = tool ? JSON.readTree(c.responseJson()) : null;
            return new CallResponse(c.taskId(), c.mapIndex(), c.attempt(), c.provider(), c.model(), c.inputTokens(),
                    c.outputTokens(), c.costMicroUsd(), c.latencyMs(), c.outcome(), c.choiceReasons(), c.error(),
                    c.recordedAt(), c.device(), tool ? step.path("arguments").asString() : null,
                    tool ? step.path("result").asString() : null);
        }
    }

    record RunUsageResponse(String dagId, String runId, Totals totals, List<TaskUsage> tasks, List<CallResponse> calls) {
    }

    @Operation(summary = "List the models this deployment offers",
            description = "The live catalog: every model of a configured provider (gale.llm.catalog), then Gale's"
                    + " in-process ones. API keys are never shown.")
    @GetMapping("/llm/models")
    ModelListResponse models() {
        return new ModelListResponse(catalog.models().stream().map(ModelResponse::of).toList(),
                catalog.providers().stream().map(LlmCatalog::describe).toList());
    }

    @Operation(summary = "What a run's model calls cost",
            description = "Totals for the run and per task instance, and every call with its tokens, cost, latency,"
                    + " outcome and why its model was chosen. Replayed calls cost nothing. An agent's tool calls are"
                    + " listed as calls of provider 'tool' with their arguments and result, in order.")
    @GetMapping("/dags/{dagId}/runs/{runId}/llm-usage")
    RunUsageResponse runUsage(@PathVariable String dagId, @PathVariable String runId) {
        runs.find(dagId, runId).orElseThrow(() -> RunController.unknownRun(dagId, runId));
        List<LlmCallRecord> calls = usage.callsOfRun(runId);
        Map<String, List<LlmCallRecord>> byTask = calls.stream().collect(Collectors.groupingBy(
                c -> c.taskId() + "\u0000" + c.mapIndex(), LinkedHashMap::new, Collectors.toList()));
        List<TaskUsage> tasks = byTask.values().stream().map(list -> new TaskUsage(list.getFirst().taskId(),
                list.getFirst().mapIndex(), Totals.of(list), list.getLast().choiceReasons())).toList();
        return new RunUsageResponse(dagId, runId, Totals.of(calls), tasks,
                calls.stream().map(CallResponse::of).toList());
    }
}

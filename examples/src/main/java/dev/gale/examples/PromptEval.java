package dev.gale.examples;

import dev.gale.llm.Capability;
import dev.gale.llm.CommonLlm;
import dev.gale.llm.Llm;
import dev.gale.llm.LlmCatalog;
import dev.gale.llm.ModelSpec;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.ModelNeeds;
import dev.gale.sdk.Param;
import dev.gale.sdk.Task;
import dev.gale.sdk.TaskContext;
import dev.gale.sdk.TypeToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prompt evaluation before an LLM feature ships: every prompt variant with every model (one mapped task instance
 * per combination) classifies a small labelled set of support messages (shipped) into billing, technical or
 * account; each answer is scored by exact match of the label, or, when a judge model is named, an answer that is
 * not exactly a label is judged by it. Each combination records a version of {@code eval://support-prompts} with
 * its score, estimated cost, latency, prompt id and model, so that the asset's comparison view puts them side by
 * side. With no chat model configured a deterministic keyword classifier answers instead, and every version says so.
 */
public final class PromptEval {
    static final String ASSET = "eval://support-prompts";
    static final String OFFLINE = "offline";
    static final String OFFLINE_ANSWERER = "offline keyword classifier: no chat model is configured, so the prompt"
            + " is not used and the answers are a fixed keyword table's";
    static final List<String> LABELS = List.of("billing", "technical", "account");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A deliberately plain baseline, not tuned to the set: it gets 16 of the 20 shipped messages right. */
    private static final Map<String, List<String>> KEYWORDS = Map.of(
            "billing", List.of("charg", "refund", "invoice", "card", "price", "bill", "pay"),
            "technical", List.of("crash", "error", "slow", "bug", "fail"),
            "account", List.of("password", "email", "account", "login"));

    private PromptEval() {
    }

    /** One labelled support message. */
    public record Labelled(String question, String label) {
    }

    /** A prompt variant: its id and the system message it sends. */
    public record Prompt(String id, String system) {
    }

    /** One cell of the grid: a prompt variant and a model ({@value #OFFLINE} for the keyword classifier). */
    public record Combination(String promptId, String model) {
    }

    /** How one combination did, and the asset version that records it. */
    public record Outcome(String promptId, String model, double score, int correct, int questions, double costUsd,
                          long latencyMs, String answeredBy, String scoredBy, int version, List<String> wrong) {
    }

    /** The run's result: every combination, best score first. */
    public record Report(List<Outcome> combinations, Outcome best) {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("prompt_eval")
                .description("Scores prompt variants × models on a labelled set of support messages and records each"
                        + " combination as a version of eval://support-prompts (score, cost, latency, prompt, model).")
                .owner("gale").tags("example", "llm", "eval")
                .param(Param.array("prompts").defaultValue(prompts().stream().map(Prompt::id).toList())
                        .description("Prompt variant ids to compare: bare, definitions, few-shot"))
                .param(Param.array("models").defaultValue(List.of()).description("Catalog model ids to compare, e.g."
                        + " [\"openai/gpt-4o-mini\", \"openai/gpt-4o\"]; empty: every chat model of the catalog"))
                .param(Param.string("judge").defaultValue("").description("A catalog model id that judges answers"
                        + " which are not exactly a label; empty: exact match only"));

        Task<List<Combination>> combinations = dag.task("combinations", new TypeToken<List<Combination>>() { },
                PromptEval::combinations);
        Task<List<Outcome>> evaluate = dag.map("evaluate", Outcome.class, combinations, PromptEval::evaluate)
                .llm(ModelNeeds.chat()).writes(ASSET);
        Task<Report> report = dag.task("report", Report.class, evaluate, evaluated -> {
            List<Outcome> outcomes = new ArrayList<>(evaluated);
            outcomes.sort(Comparator.comparingDouble(Outcome::score).reversed().thenComparingDouble(Outcome::costUsd));
            return new Report(outcomes, outcomes.getFirst());
        });
        return dag.result(report).build();
    }

    static List<Labelled> labelledSet() {
        return read("eval/support_questions.json", new TypeReference<>() { });
    }

    static List<Prompt> prompts() {
        return read("eval/prompt_variants.json", new TypeReference<>() { });
    }

    private static <T> T read(String resource, TypeReference<T> type) {
        try (InputStream in = PromptEval.class.getResourceAsStream(resource)) {
            return JSON.readValue(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static List<Combination> combinations(TaskContext ctx) {
        List<String> known = prompts().stream().map(Prompt::id).toList();
        List<String> promptIds = strings(ctx.params().get("prompts"), "prompts");
        for (String id : promptIds) {
            if (!known.contains(id)) {
                throw new IllegalArgumentException("conf prompts names '" + id + "', which is not a prompt variant;"
                        + " there are " + known);
            }
        }
        List<String> models = strings(ctx.params().get("models"), "models");
        if (models.isEmpty()) {
            models = LlmCatalog.parse(ctx.llmAccess().catalogJson()).models().stream()
                    .filter(m -> m.capabilities().contains(Capability.CHAT))
                    .filter(m -> !m.provider().equals(LlmCatalog.LOCAL_PROVIDER)).map(ModelSpec::id).toList();
        }
        if (models.isEmpty()) {
            ctx.log(OFFLINE_ANSWERER);
            models = List.of(OFFLINE);
        }
        List<Combination> grid = new ArrayList<>();
        for (String promptId : promptIds) {
            for (String model : models) {
                grid.add(new Combination(promptId, model));
            }
        }
        return grid;
    }

    private static List<String> strings(Object conf, String name) {
        if (!(conf instanceof List<?> list) || list.stream().anyMatch(v -> !(v instanceof String))) {
            throw new IllegalArgumentException("conf " + name + " must be a list of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }

    private static Outcome evaluate(TaskContext ctx, Combination combination) {
        Prompt prompt = prompts().stream().filter(p -> p.id().equals(combination.promptId())).findFirst()
                .orElseThrow();
        String judgeModel = ctx.param("judge", String.class).strip();
        boolean offline = combination.model().equals(OFFLINE);
        Llm llm = offline ? null : CommonLlm.forTask(ctx, combination.model());
        Llm judge = offline || judgeModel.isEmpty() ? null : CommonLlm.forTask(ctx, judgeModel);
        ModelSpec spec = offline ? null : llm.chatChoice().model().orElseThrow();
        List<Labelled> set = labelledSet();
        int correct = 0;
        double cost = 0;
        long nanos = 0;
        List<String> wrong = new ArrayList<>();
        for (Labelled item : set) {
            long start = System.nanoTime();
            String answer = offline ? classify(item.question()) : llm.chat(prompt.system(), item.question());
            nanos += System.nanoTime() - start;
            if (!offline) {
                cost += (llm.countTokens(prompt.system() + item.question()) * spec.inputPricePer1k()
                        + llm.countTokens(answer) * spec.outputPricePer1k()) / 1000;
            }
            boolean right = normalise(answer).equals(item.label());
            if (!right && judge != null && !LABELS.contains(normalise(answer))) {
                right = normalise(judge.chat("You grade a support classifier. Reply yes if its answer means the"
                        + " expected label, otherwise no.", "Expected label: " + item.label() + "\nAnswer: "
                        + answer)).equals("yes");
            }
            if (right) {
                correct++;
            } else {
                wrong.add(item.question() + " -> " + answer.strip() + " (expected " + item.label() + ")");
            }
        }
        String answeredBy = offline ? OFFLINE_ANSWERER : spec.id();
        String scoredBy = judge == null ? "exact match of the label"
                : "exact match of the label, else judged by " + judge.chatChoice().model().orElseThrow().id();
        double score = Math.round(correct * 1000.0 / set.size()) / 1000.0;
        double costUsd = Math.round(cost * 1_000_000) / 1_000_000.0;
        long latencyMs = Math.round(nanos / 1e6 / set.size());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("promptId", prompt.id());
        metadata.put("model", offline ? OFFLINE : spec.id());
        metadata.put("score", score);
        metadata.put("correct", correct);
        metadata.put("questions", set.size());
        metadata.put("costUsd", costUsd);
        metadata.put("costFrom", offline ? "nothing: no model was called"
                : "tokens counted with OpenAI's tokenizer × the catalog's prices");
        metadata.put("latencyMs", latencyMs);
        metadata.put("answeredBy", answeredBy);
        metadata.put("scoredBy", scoredBy);
        int version = ctx.emitAsset(ASSET, metadata);
        ctx.log(prompt.id() + " × " + metadata.get("model") + ": " + correct + "/" + set.size() + " correct, $"
                + costUsd + ", " + latencyMs + " ms per answer; " + ASSET + " version " + version);
        return new Outcome(prompt.id(), (String) metadata.get("model"), score, correct, set.size(), costUsd, latencyMs,
                answeredBy, scoredBy, version, wrong);
    }

    /** The answer's first word, lower case, without punctuation: what exact match compares with the label. */
    static String normalise(String answer) {
        String[] words = answer.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z\\s-]", " ").strip().split("\\s+");
        return words.length == 0 ? "" : words[0];
    }

    /** The offline answerer: the label with most keywords in the message; billing first on a tie, else technical. */
    static String classify(String question) {
        String text = question.toLowerCase(Locale.ROOT);
        String best = "technical";
        long bestHits = 0;
        for (String label : LABELS) {
            long hits = KEYWORDS.get(label).stream().filter(text::contains).count();
            if (hits > bestHits) {
                best = label;
                bestHits = hits;
            }
        }
        return best;
    }
}

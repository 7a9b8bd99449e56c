package dev.gale.examples;

import dev.gale.llm.CommonLlm;
import dev.gale.llm.Llm;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.ModelNeeds;
import dev.gale.sdk.Param;
import dev.gale.sdk.Task;
import dev.gale.sdk.TypeToken;
import java.time.Duration;
import java.util.Map;

/**
 * Tasks that state what they need of a model and let Gale choose: a quick triage on the cheapest
 * fast model, a reply drafted by the best model with a long context, and a customer record that is
 * confidential, so it is redacted and embedded only by models inside the deployment. Each task
 * returns the model it got and why; {@code GET …/runs/{runId}/llm-usage} shows what each call cost.
 * Without any provider configured it still runs: chat quotes passages, embeddings run in-process.
 */
public final class LlmRoutingDemo {
    private static final String HANDBOOK = """
            [refunds.md] Refunds for duplicate charges are issued within five business days.

            [outages.md] During an outage, status updates are posted every thirty minutes.

            [accounts.md] Account owners can change the billing email in the settings page.""";

    private static final TypeToken<Map<String, Object>> ANSWER = new TypeToken<>() { };

    private LlmRoutingDemo() {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("llm_routing_demo")
                .description("Three tasks, three model choices: cheapest and fast, best quality, and confidential"
                        + " data kept on local models.")
                .tags("example", "llm")
                .param(Param.string("ticket").defaultValue("I was charged twice for my subscription this month."
                        + " When will I get my refund?").description("The customer's message"));

        Task<Map<String, Object>> triage = dag.task("triage", ANSWER, ctx -> answer(CommonLlm.forTask(ctx),
                        "Answer with one word.", HANDBOOK + "\n\n" + ctx.param("ticket", String.class)
                                + " Which team handles this: billing, technical or accounts?"))
                .llm(ModelNeeds.chat().minQuality(2).maxLatency(Duration.ofSeconds(2)).cheapest());

        Task<Map<String, Object>> draft = dag.task("draft_reply", ANSWER, ctx -> answer(CommonLlm.forTask(ctx),
                        "You write short, friendly support replies grounded in the handbook passages.",
                        HANDBOOK + "\n\n" + ctx.param("ticket", String.class)))
                .llm(ModelNeeds.chat().minQuality(2).minContext(32_000).bestQuality());

        Task<Map<String, Object>> redact = dag.task("redact_customer_record", ANSWER, ctx -> {
            Llm llm = CommonLlm.forTask(ctx);
            String record = "[crm] Customer Jane Roe, card ending 4242, asked about a refund for a duplicate charge.";
            Map<String, Object> result = answer(llm, "Replace names and card numbers with [REDACTED].",
                    record + "\n\nWhich refund did the customer ask about?");
            float[] vector = llm.embed(record);
            return Map.of("chat", result, "embeddingModel", "in-process, " + vector.length + " dimensions");
        }).llm(ModelNeeds.chat().confidential());

        Task<Map<String, Object>> report = dag.task("report", ANSWER, triage, draft, redact, (t, d, r) -> Map.of(
                "triage", t.get("model"),
                "draft_reply", d.get("model"),
                "redact_customer_record", ((Map<?, ?>) r.get("chat")).get("model")));
        return dag.result(report).build();
    }

    private static Map<String, Object> answer(Llm llm, String system, String user) {
        String text = llm.chat(system, user);
        return Map.of("model", llm.chatChoice().model().orElseThrow().id(), "why", llm.chatChoice().reasons().getFirst(),
                "answer", text);
    }
}

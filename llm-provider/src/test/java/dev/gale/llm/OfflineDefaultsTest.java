package dev.gale.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.store.embedding.CosineSimilarity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a deployment without any provider gets: the in-process embedding model and the extractive answerer. */
class OfflineDefaultsTest {
    private static final TaskLlm.RunSettings NO_CONF = new TaskLlm.RunSettings(Optional.empty(), Optional.empty());
    private final List<String> logs = new ArrayList<>();

    private TaskLlm offline(RecordingAccess access) {
        return new TaskLlm(access, logs::add, LlmCatalog.offline(), ModelRequirements.chat(), NO_CONF, true);
    }

    @Test
    void withoutAProviderChatQuotesTheBestPassagesWithSourcesAndSaysNoModelWasConfigured() {
        RecordingAccess access = new RecordingAccess("{}", null);

        String answer = offline(access).chat("Answer from the passages.", """
                [handbook.pdf] Employees get 25 days of paid vacation per year.

                [canteen.md] The canteen serves lunch from noon to two.

                [policy.txt] Unused vacation days carry over until March.

                How many vacation days do employees get?""");

        assertThat(answer).startsWith(ExtractiveAnswerer.NOTICE)
                .contains("[handbook.pdf] Employees get 25 days of paid vacation per year.")
                .contains("[policy.txt] Unused vacation days carry over until March.")
                .doesNotContain("canteen");
        assertThat(answer.indexOf("handbook.pdf")).isLessThan(answer.indexOf("policy.txt"));
        assertThat(access.outcomes()).containsExactly("local/extractive:success");
        assertThat(access.calls.getFirst().reasons()).startsWith("chose local/extractive: no language model is"
                + " configured");
    }

    @Test
    void theExtractiveAnswererRefusesStructuredOutputRatherThanInventingIt() {
        assertThatThrownBy(() -> offline(new RecordingAccess("{}", null)).chat("s", "a\n\nq?", Summary.class))
                .isInstanceOf(LlmException.class)
                .hasMessageContaining("structured output (Summary) needs a language model, and none is configured");
    }

    record Summary(String text) {
    }

    @Test
    void theInProcessEmbeddingModelPutsRelatedTextsCloserThanUnrelatedOnes() {
        RecordingAccess access = new RecordingAccess("{}", null);
        TaskLlm llm = offline(access);

        List<float[]> vectors = llm.embed(List.of("The cat sleeps on the sofa.", "A kitten naps on the couch.",
                "Quarterly revenue grew by eight percent."));

        assertThat(vectors).hasSize(3).allSatisfy(v -> assertThat(v).hasSize(384));
        assertThat(cosine(vectors.get(0), vectors.get(1))).isGreaterThan(cosine(vectors.get(0), vectors.get(2)) + 0.2);
        assertThat(access.outcomes()).containsExactly("local/all-minilm-l6-v2:success");
        assertThat(access.calls.getFirst().costMicroUsd()).isZero();
    }

    @Test
    void confidentialTasksMayEmbedInProcess() {
        ModelRequirements confidential = new ModelRequirements(Capability.EMBEDDING, 1, 0, 0, 0,
                Sensitivity.CONFIDENTIAL, Set.of(), ModelRequirements.Objective.CHEAPEST, Set.of(), false);
        ModelChoice choice = ModelPolicy.choose(confidential, LlmCatalog.offline().models());
        assertThat(choice.model().orElseThrow().id()).isEqualTo("local/all-minilm-l6-v2");
    }

    private static double cosine(float[] a, float[] b) {
        return CosineSimilarity.between(Embedding.from(a), Embedding.from(b));
    }
}

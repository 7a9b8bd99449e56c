package dev.gale.llm.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cross-encoder reranker on ONNX Runtime, with a tiny cross-encoder the test writes (see
 * {@link TinyCrossEncoder}: a passage scores 10 for each time it holds "lighthouse", the question's tokens
 * count for nothing).
 */
class CrossEncoderRerankerTest {
    private static final String QUESTION = "Where is the lighthouse?";
    private static final List<String> RETRIEVED = List.of(
            "The harbour office opens at eight.",
            "Boats moor along the northern quay.",
            "The lighthouse stands on the cliff; the lighthouse keeper lives below it.",
            "A lighthouse guides the ferries at night.");

    @TempDir
    Path directory;

    private static List<String> texts(CrossEncoderReranker.Reranked<String> reranked) {
        return reranked.ranked().stream().map(RankFusion.Scored::item).toList();
    }

    @Test
    void passagesAreOrderedByTheModelsLogitForTheQuestionAndPassagePair() throws Exception {
        Path model = TinyCrossEncoder.write(directory, "lighthouse", TinyCrossEncoder.Output.LOGIT, true);
        try (CrossEncoderReranker reranker = CrossEncoderReranker.load(model, directory.resolve("tokenizer.json"))) {
            CrossEncoderReranker.Reranked<String> reranked = reranker.rerank(QUESTION, RETRIEVED, Function.identity());

            assertThat(texts(reranked)).containsExactly(RETRIEVED.get(2), RETRIEVED.get(3), RETRIEVED.get(0),
                    RETRIEVED.get(1));
            assertThat(reranked.ranked()).extracting(RankFusion.Scored::score).containsExactly(20.0, 10.0, 0.0, 0.0);
            assertThat(reranked.truncated()).isZero();
            assertThat(reranker.name()).isEqualTo(directory.getFileName().toString());
            assertThat(reranker.maxLength()).isEqualTo(128);
        }
    }

    @Test
    void outputsOfShapeBatchAndTwoClassesAreReadAsTheRelevanceLogit() throws Exception {
        for (TinyCrossEncoder.Output output : List.of(TinyCrossEncoder.Output.FLAT,
                TinyCrossEncoder.Output.TWO_CLASS)) {
            Path dir = Files.createDirectory(directory.resolve(output.name().toLowerCase()));
            Path model = TinyCrossEncoder.write(dir, "lighthouse", output, true);
            try (CrossEncoderReranker reranker = CrossEncoderReranker.load(model, dir.resolve("tokenizer.json"))) {
                CrossEncoderReranker.Reranked<String> reranked = reranker.rerank(QUESTION, RETRIEVED,
                        Function.identity());
                assertThat(texts(reranked)).as(output.name()).startsWith(RETRIEVED.get(2), RETRIEVED.get(3));
                assertThat(reranked.ranked().getFirst().score()).as(output.name()).isEqualTo(20.0);
            }
        }
    }

    @Test
    void manyPassagesRunInSeveralBatchesEachPaddedWithoutChangingTheirScores() throws Exception {
        Path model = TinyCrossEncoder.write(directory, "lighthouse", TinyCrossEncoder.Output.LOGIT, true);
        List<String> passages = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            passages.add(i == 33 ? "lighthouse" : "Filler passage number " + i + " about harbour traffic and tides"
                    + " around the bay".repeat(i % 4));
        }
        try (CrossEncoderReranker reranker = CrossEncoderReranker.load(model, directory.resolve("tokenizer.json"))) {
            CrossEncoderReranker.Reranked<String> reranked = reranker.rerank(QUESTION, passages, Function.identity());

            assertThat(texts(reranked).getFirst()).isEqualTo("lighthouse");
            assertThat(reranked.ranked().getFirst().score()).isEqualTo(10.0);
            assertThat(texts(reranked).subList(1, 40)).as("ties keep retrieval's order")
                    .isEqualTo(passages.stream().filter(p -> !p.equals("lighthouse")).toList());
        }
    }

    @Test
    void aPairLongerThanTheModelsLengthIsCutAndCounted() throws Exception {
        Path model = TinyCrossEncoder.write(directory, "lighthouse", TinyCrossEncoder.Output.LOGIT, true);
        String late = "The tide turns twice a day. ".repeat(30) + "Then the lighthouse is lit.";
        try (CrossEncoderReranker reranker = CrossEncoderReranker.load(model, directory.resolve("tokenizer.json"))) {
            CrossEncoderReranker.Reranked<String> reranked = reranker.rerank(QUESTION,
                    List.of(late, "A lighthouse."), Function.identity());

            assertThat(reranked.truncated()).isEqualTo(1);
            assertThat(texts(reranked)).containsExactly("A lighthouse.", late);
            assertThat(reranked.ranked().getLast().score()).as("the word beyond 128 tokens was cut").isZero();
        }
    }

    @Test
    void aMissingFileOrAModelWithoutTheExpectedInputsFailsNamingThePath() throws Exception {
        Path missing = directory.resolve("nowhere/model.onnx");
        Path tokenizer = TinyCrossEncoder.writeTokenizer(directory);
        assertThatThrownBy(() -> CrossEncoderReranker.load(missing, tokenizer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the cross-encoder model (GALE_RERANK_MODEL) " + missing + " is not a readable file");

        Path model = TinyCrossEncoder.write(directory, "lighthouse", TinyCrossEncoder.Output.LOGIT, false);
        assertThatThrownBy(() -> CrossEncoderReranker.load(model, tokenizer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the cross-encoder model " + model + " takes the inputs")
                .hasMessageContaining("a cross-encoder takes input_ids, attention_mask and optionally token_type_ids");

        Path notOnnx = Files.writeString(directory.resolve("notes.onnx"), "not a model");
        assertThatThrownBy(() -> CrossEncoderReranker.load(notOnnx, tokenizer))
                .hasMessageStartingWith("the cross-encoder model " + notOnnx + " cannot be loaded by ONNX Runtime");
    }

    @Test
    void theSettingLoadsTheModelOncePerProcessAndWithoutItNoneIsConfigured() throws Exception {
        assertThat(CrossEncoderReranker.configured()).isEmpty();

        Path model = TinyCrossEncoder.write(directory, "lighthouse", TinyCrossEncoder.Output.LOGIT, true);
        System.setProperty("gale.rerank.model", model.toString());
        try {
            assertThat(CrossEncoderReranker.configured()).get().extracting(CrossEncoderReranker::name)
                    .isEqualTo(directory.getFileName().toString());
            assertThat(CrossEncoderReranker.configured().orElseThrow()).as("loaded once per process")
                    .isSameAs(CrossEncoderReranker.configured().orElseThrow());
        } finally {
            System.clearProperty("gale.rerank.model");
        }
    }
}

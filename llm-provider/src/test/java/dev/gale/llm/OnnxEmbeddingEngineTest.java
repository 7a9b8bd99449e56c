package dev.gale.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.CosineSimilarity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The shared local embedding engine against LangChain4j's own model, on the same ONNX file. */
class OnnxEmbeddingEngineTest {
    private static final OnnxEmbeddingEngine ENGINE = LocalEmbeddings.cpu();
    private static final String COOKING = "Simmer the onions slowly in butter until they are golden, then add the"
            + " garlic, a spoonful of flour and the warm stock, stirring so that the sauce stays smooth. ";
    private static final String GPUS = "The GPU worker pins each task to its own graphics card, and CUDA kernels"
            + " multiply the embedding matrices while the card's memory holds the whole batch of vectors. ";
    /** Texts of many lengths, all within the model's window, so each batch is padded. */
    private static final List<String> FITTING = List.of("GPUs embed chunks quickly.", "The canteen opens at noon.",
            COOKING, GPUS + "Retrain the model every Monday.", "Refunds take five days.", COOKING + "Serve hot.");

    @Test
    void chunksThatFitTheWindowGetLangChain4jsVectors() {
        EmbeddingModel langChain4j = new AllMiniLmL6V2EmbeddingModel();
        List<Embedding> expected = langChain4j.embedAll(FITTING.stream().map(TextSegment::from).toList()).content();

        Embeddings embedded = ENGINE.embedTexts(FITTING);

        assertThat(ENGINE.window()).isEqualTo(128);
        assertThat(embedded.windowed()).isZero();
        assertThat(embedded.vectors()).hasSize(FITTING.size()).allSatisfy(v -> assertThat(v).hasSize(384));
        for (int i = 0; i < FITTING.size(); i++) {
            assertThat(cosine(embedded.vectors().get(i), expected.get(i).vector())).as(FITTING.get(i))
                    .isGreaterThan(0.99999);
        }
        assertThat(embedded.tokens()).isEqualTo(FITTING.stream().mapToLong(ENGINE::countTokens).sum());
    }

    @Test
    void aChunkLongerThanTheWindowIsEmbeddedWholeNotCutAtItsWindow() {
        String longChunk = COOKING.repeat(4) + GPUS.repeat(4);
        assertThat(ENGINE.countTokens(longChunk)).isGreaterThan(2 * ENGINE.window());
        float[] truncated = new AllMiniLmL6V2EmbeddingModel().embed(longChunk).content().vector();
        float[] aboutGpus = ENGINE.embedTexts(List.of(GPUS)).vectors().getFirst();

        Embeddings embedded = ENGINE.embedTexts(List.of(longChunk, "A short one."));

        assertThat(embedded.windowed()).isEqualTo(1);
        assertThat(embedded.tokens()).isGreaterThan(ENGINE.countTokens(longChunk));
        float[] whole = embedded.vectors().getFirst();
        assertThat(cosine(whole, aboutGpus)).isGreaterThan(cosine(truncated, aboutGpus) + 0.2);
        assertThat(norm(whole)).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void concurrentCallsFromSeveralTasksShareTheEngineAndGetTheVectorsOfOneCall() throws Exception {
        List<float[]> alone = ENGINE.embedTexts(FITTING).vectors();
        ExecutorService tasks = Executors.newFixedThreadPool(4);
        try {
            List<Future<Embeddings>> calls = new ArrayList<>();
            IntStream.range(0, 8).forEach(i -> calls.add(tasks.submit(() -> ENGINE.embedTexts(FITTING))));
            for (Future<Embeddings> call : calls) {
                List<float[]> vectors = call.get().vectors();
                for (int i = 0; i < FITTING.size(); i++) {
                    assertThat(cosine(vectors.get(i), alone.get(i))).isGreaterThan(0.99999);
                }
            }
        } finally {
            tasks.shutdownNow();
        }
    }

    @Test
    void theCpuSessionUsesTheWorkersCoresUnlessToldOtherwise() {
        assertThat(LocalEmbeddings.cpuThreads(null, 6)).isEqualTo(6);
        assertThat(LocalEmbeddings.cpuThreads(" ", 2)).isEqualTo(2);
        assertThat(LocalEmbeddings.cpuThreads("3", 16)).isEqualTo(3);
        assertThatThrownBy(() -> LocalEmbeddings.cpuThreads("zero", 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GALE_EMBED_THREADS must be a whole number of threads of at least 1, not 'zero'");
        assertThatThrownBy(() -> LocalEmbeddings.cpuThreads("0", 2)).isInstanceOf(IllegalArgumentException.class);
    }

    private static double cosine(float[] a, float[] b) {
        return CosineSimilarity.between(Embedding.from(a), Embedding.from(b));
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }
}

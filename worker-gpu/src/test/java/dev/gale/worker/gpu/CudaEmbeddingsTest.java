package dev.gale.worker.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gale.llm.LocalEmbeddings;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.CosineSimilarity;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The local embedding model with this module's GPU build of ONNX Runtime. Without a GPU, CUDA fails with
 * ONNX Runtime's reason while the same build still embeds on the CPU; on a GPU machine, CUDA gives the
 * CPU's vectors.
 */
class CudaEmbeddingsTest {
    private static final List<TextSegment> CHUNKS = List.of(TextSegment.from("GPUs embed chunks quickly."),
            TextSegment.from("The canteen opens at noon."), TextSegment.from("Retrain the model every Monday."));

    @Test
    void withoutAGpuCudaFailsWithOnnxRuntimesReasonAndTheGpuBuildStillEmbedsOnTheCpu() {
        assumeTrue(NvidiaSmi.discover().isEmpty(), "this machine has a GPU: the CUDA test below covers it");

        LocalEmbeddings.OnCuda cuda = LocalEmbeddings.onCuda(0);

        assertThat(cuda.model()).isEmpty();
        // e.g. "Failed to load library libonnxruntime_providers_cuda.so with error: libcublasLt.so.12: cannot open
        // shared object file: No such file or directory" where CUDA is not installed.
        assertThat(cuda.failure()).startsWith("CUDA could not be initialised on device 0: ")
                .doesNotContain("onnxruntime_src").matches("(?s).*(libcu|CUDA|cuda).*");
        List<Embedding> onCpu = LocalEmbeddings.cpu().embedAll(CHUNKS).content();
        assertThat(onCpu).hasSize(3).allSatisfy(e -> assertThat(e.vector()).hasSize(384));
    }

    @Test
    void onAGpuCudaGivesTheCpusVectors() {
        GpuInventory gpus = NvidiaSmi.discover();
        assumeFalse(gpus.isEmpty(), "needs a GPU with CUDA 12 and cuDNN 9: nvidia-smi found none here");

        LocalEmbeddings.OnCuda cuda = LocalEmbeddings.onCuda(0);

        assertThat(cuda.model()).as(cuda.failure()).isPresent();
        List<Embedding> onGpu = cuda.model().orElseThrow().embedAll(CHUNKS).content();
        List<Embedding> onCpu = LocalEmbeddings.cpu().embedAll(CHUNKS).content();
        for (int i = 0; i < CHUNKS.size(); i++) {
            assertThat(cosine(onGpu.get(i).vector(), onCpu.get(i).vector())).isGreaterThan(0.9999);
        }
    }

    private static double cosine(float[] a, float[] b) {
        return CosineSimilarity.between(Embedding.from(a), Embedding.from(b));
    }
}

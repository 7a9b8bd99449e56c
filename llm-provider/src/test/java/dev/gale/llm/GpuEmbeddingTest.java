package dev.gale.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.sdk.ModelNeeds.GpuFallback;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.store.embedding.CosineSimilarity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The local embedding model in a task that asked for a GPU, on this module's classpath: the CPU build of
 * ONNX Runtime, which has no CUDA, so every GPU attempt meets the failure path. The GPU worker's own tests
 * run the GPU build.
 */
class GpuEmbeddingTest {
    private static final TaskLlm.RunSettings NO_CONF = new TaskLlm.RunSettings(Optional.empty(), Optional.empty());
    private static final List<String> TEXTS = List.of("GPUs embed chunks quickly.", "The canteen opens at noon.");
    private final List<String> logs = new ArrayList<>();

    private TaskLlm onGpu(RecordingAccess access, GpuFallback fallback) {
        return new TaskLlm(access, logs::add, LlmCatalog.offline(), ModelRequirements.chat().withGpuWorker(true),
                NO_CONF, true, new LocalDevice(List.of(1), fallback), null);
    }

    @Test
    void withoutCudaTheModelSaysWhyItCannotRunOnTheGpu() {
        LocalEmbeddings.OnCuda cuda = LocalEmbeddings.onCuda(0);

        assertThat(cuda.model()).isEmpty();
        assertThat(cuda.failure()).isEqualTo("CUDA could not be initialised on device 0: Failed to find CUDA shared"
                + " provider (this process has the CPU build of ONNX Runtime; the GPU worker, gale-worker-gpu.jar, has"
                + " the GPU build)");
    }

    @Test
    void byDefaultAGpuTaskEmbedsOnTheCpuWhenCudaIsUnavailableWithTheSameVectorsAndSaysSo() {
        RecordingAccess access = new RecordingAccess("{}", null);

        List<float[]> onGpuTask = onGpu(access, GpuFallback.CPU).embed(TEXTS);

        List<float[]> onCpu = new TaskLlm(new RecordingAccess("{}", null), s -> { }, LlmCatalog.offline(),
                ModelRequirements.chat(), NO_CONF, true).embed(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertThat(cosine(onGpuTask.get(i), onCpu.get(i))).isGreaterThan(0.9999);
        }
        assertThat(logs).anySatisfy(line -> assertThat(line).startsWith("llm: local/all-minilm-l6-v2 runs on the CPU"
                + " instead of GPU 1").contains("CUDA could not be initialised"));
        assertThat(access.outcomes()).containsExactly("local/all-minilm-l6-v2:success");
        assertThat(access.calls.getFirst().device()).isEqualTo("cpu");
        assertThat(access.calls.getFirst().reasons()).endsWith("; GPU 1 could not be used, so it ran on the CPU");
    }

    @Test
    void aTaskThatRequiresTheGpuFailsWithOnnxRuntimesReason() {
        RecordingAccess access = new RecordingAccess("{}", null);

        assertThatThrownBy(() -> onGpu(access, GpuFallback.FAIL).embed(TEXTS))
                .isInstanceOf(LlmException.class)
                .hasMessageStartingWith("local/all-minilm-l6-v2 cannot run on GPU 1, and the task's model needs say"
                        + " whenGpuUnavailable(FAIL): CUDA could not be initialised on device 1: ");
        assertThat(access.outcomes()).containsExactly("local/all-minilm-l6-v2:error");
        assertThat(access.calls.getFirst().error()).contains("CUDA could not be initialised");
        assertThat(access.calls.getFirst().device()).isEqualTo("gpu:1");
    }

    @Test
    void aChildProcessPinnedWithCudaVisibleDevicesNumbersItsGpusFromZero() {
        assertThat(LocalEmbeddings.cudaOrdinal(3, "3")).isZero();
        assertThat(LocalEmbeddings.cudaOrdinal(5, "2, 5")).isEqualTo(1);
        assertThat(LocalEmbeddings.cudaOrdinal(2, null)).isEqualTo(2);
        assertThat(LocalEmbeddings.cudaOrdinal(2, "")).isEqualTo(2);
    }

    static double cosine(float[] a, float[] b) {
        return CosineSimilarity.between(Embedding.from(a), Embedding.from(b));
    }
}

package dev.gale.sdk.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskIdentityTest {
    private static final TaskIdentity ATTEMPT = new TaskIdentity("rag_ingest", "manual__1", "embed", -1, 2);

    @Test
    void aChildProcessOfAGpuTaskSeesOnlyItsGpus() {
        Map<String, String> env = ATTEMPT.onGpus(List.of(1, 3), true).environment();

        assertThat(env).containsEntry("CUDA_VISIBLE_DEVICES", "1,3").containsEntry("GALE_GPU_DEVICES", "1,3");
    }

    @Test
    void aCpuTaskOnAGpuWorkerSeesNoGpu() {
        assertThat(ATTEMPT.onGpus(List.of(), true).environment()).containsEntry("CUDA_VISIBLE_DEVICES", "");
    }

    @Test
    void aWorkerWithoutGpusLeavesCudaAlone() {
        assertThat(ATTEMPT.environment()).doesNotContainKeys("CUDA_VISIBLE_DEVICES", "GALE_GPU_DEVICES");
    }

    @Test
    void aChildJvmReadsItsGpusBackFromTheEnvironment() {
        TaskIdentity pinned = ATTEMPT.onGpus(List.of(0, 2), true);

        assertThat(TaskIdentity.fromEnvironment(pinned.environment())).isEqualTo(pinned);
        assertThat(TaskIdentity.fromEnvironment(ATTEMPT.environment())).isEqualTo(ATTEMPT);
        assertThat(new RuntimeTaskContext(pinned, null, null, null).gpus()).containsExactly(0, 2);
    }
}

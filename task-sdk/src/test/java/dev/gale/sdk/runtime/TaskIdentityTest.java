package dev.gale.sdk.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskIdentityTest {
    private static final TaskIdentity ATTEMPT = new TaskIdentity("rag_ingest", "manual__1", "embed", -1, 2,
            TaskIdentity.RunDates.NONE);

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

    @Test
    void aChildProcessGetsTheRunsLogicalDateAndDataIntervalAndAnAdHocRunNone() {
        TaskIdentity nightly = new TaskIdentity("daily_report", "backfill__1", "report", -1, 1,
                new TaskIdentity.RunDates(Instant.parse("2026-03-02T00:00:00Z"), Instant.parse("2026-03-01T00:00:00Z"),
                        Instant.parse("2026-03-02T00:00:00Z")));

        assertThat(nightly.environment()).containsEntry("GALE_LOGICAL_DATE", "2026-03-02T00:00:00Z")
                .containsEntry("GALE_DATA_INTERVAL_START", "2026-03-01T00:00:00Z")
                .containsEntry("GALE_DATA_INTERVAL_END", "2026-03-02T00:00:00Z");
        assertThat(TaskIdentity.fromEnvironment(nightly.environment())).isEqualTo(nightly);
        assertThat(new RuntimeTaskContext(nightly, null, null, null).dataIntervalStart())
                .contains(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(ATTEMPT.environment()).doesNotContainKeys("GALE_LOGICAL_DATE", "GALE_DATA_INTERVAL_START",
                "GALE_DATA_INTERVAL_END");
        assertThat(new RuntimeTaskContext(ATTEMPT, null, null, null).logicalDate()).isEmpty();
    }
}

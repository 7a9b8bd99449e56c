package dev.gale.scheduler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GpuPlacementTest {
    private static final WorkerOffer CPU = WorkerOffer.cpu("cpu-1", List.of("default"));
    private static final WorkerOffer TWO_24GB = new WorkerOffer("gpu-1", List.of("default"), 2, 24576, false);

    @Test
    void aTaskWithoutGpusIsNeverUnplaceable() {
        assertThat(GpuPlacement.unplaceable("default", 0, 0, List.of())).isEmpty();
    }

    @Test
    void withNoGpuWorkerTheReasonSaysWhatTheTaskWaitsFor() {
        assertThat(GpuPlacement.unplaceable("default", 1, 40960, List.of(CPU))).contains(
                "waiting for a worker with 1 GPU of >= 40 GB on queue 'default'; no GPU worker on queue 'default'"
                        + " is connected");
    }

    @Test
    void aGpuTooSmallIsNamedWithWhatItOffers() {
        assertThat(GpuPlacement.unplaceable("default", 1, 40960, List.of(CPU, TWO_24GB))).contains(
                "waiting for a worker with 1 GPU of >= 40 GB on queue 'default'; connected GPU workers on queue"
                        + " 'default' offer gpu-1 2 x 24 GB");
    }

    @Test
    void moreGpusThanAnyWorkerHasIsUnplaceable() {
        assertThat(GpuPlacement.unplaceable("default", 3, 0, List.of(TWO_24GB))).get().asString()
                .startsWith("waiting for a worker with 3 GPUs on queue 'default'");
    }

    @Test
    void aGpuWorkerOnAnotherQueueDoesNotCount() {
        WorkerOffer elsewhere = new WorkerOffer("gpu-2", List.of("training"), 8, 81920, false);

        assertThat(GpuPlacement.unplaceable("default", 1, 0, List.of(elsewhere))).isPresent();
        assertThat(GpuPlacement.unplaceable("training", 8, 81920, List.of(elsewhere))).isEmpty();
    }

    @Test
    void aFittingWorkerMakesItPlaceableEvenWhenBusy() {
        assertThat(GpuPlacement.unplaceable("default", 2, 24576, List.of(TWO_24GB))).isEmpty();
    }

    @Test
    void memoryThatIsNotWholeGigabytesIsShownInMegabytes() {
        assertThat(GpuPlacement.need("default", 1, 1500)).isEqualTo(
                "waiting for a worker with 1 GPU of >= 1500 MB on queue 'default'");
    }

    @Test
    void aGpuWorkerTakesCpuTasksOnlyWhenItOptedIn() {
        assertThat(CPU.takesTasksWithoutGpu()).isTrue();
        assertThat(TWO_24GB.takesTasksWithoutGpu()).isFalse();
        assertThat(new WorkerOffer("gpu-3", List.of("default"), 1, 24576, true).takesTasksWithoutGpu()).isTrue();
    }
}

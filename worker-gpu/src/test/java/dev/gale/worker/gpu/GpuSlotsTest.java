package dev.gale.worker.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GpuSlotsTest {
    private static final Duration NO_WAIT = Duration.ZERO;

    @Test
    void eachGpuRunsOneAttemptAtATime() throws Exception {
        GpuSlots slots = new GpuSlots(GpuInventory.declared("2x24576"));

        assertThat(slots.acquire(1, 0, NO_WAIT)).contains(List.of(0));
        assertThat(slots.acquire(1, 0, NO_WAIT)).contains(List.of(1));
        assertThat(slots.acquire(1, 0, NO_WAIT)).isEmpty();
        assertThat(slots.inUse()).isEqualTo(2);
    }

    @Test
    void aTaskGetsOnlyGpusWithTheMemoryItAsksForAndTheSmallestSuch() throws Exception {
        GpuSlots slots = new GpuSlots(new GpuInventory(List.of(new Gpu(0, "NVIDIA A100-SXM4-80GB", 81920),
                new Gpu(1, "NVIDIA L4", 23034), new Gpu(2, "NVIDIA L4", 23034)), false));

        assertThat(slots.acquire(1, 40960, NO_WAIT)).contains(List.of(0));
        assertThat(slots.acquire(1, 40960, NO_WAIT)).as("the only large GPU is taken").isEmpty();
        assertThat(slots.acquire(1, 16384, NO_WAIT)).as("small tasks leave large GPUs free").contains(List.of(1));
    }

    @Test
    void aTaskNeedingSeveralGpusGetsAllOrNone() throws Exception {
        GpuSlots slots = new GpuSlots(GpuInventory.declared("2x24576"));
        List<Integer> one = slots.acquire(1, 0, NO_WAIT).orElseThrow();

        assertThat(slots.acquire(2, 0, NO_WAIT)).isEmpty();
        assertThat(slots.inUse()).isEqualTo(1);
        slots.release(one);
        assertThat(slots.acquire(2, 0, NO_WAIT)).contains(List.of(0, 1));
    }

    @Test
    void aWaitingTaskGetsTheGpuWhenTheAttemptHoldingItReleasesIt() throws Exception {
        GpuSlots slots = new GpuSlots(GpuInventory.declared("1x24576"));
        List<Integer> held = slots.acquire(1, 0, NO_WAIT).orElseThrow();

        CompletableFuture<Optional<List<Integer>>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return slots.acquire(1, 0, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(waiting).isNotDone();
        slots.release(held);

        assertThat(waiting.get(5, TimeUnit.SECONDS)).contains(List.of(0));
    }

    @Test
    void patienceRunsOut() throws Exception {
        GpuSlots slots = new GpuSlots(GpuInventory.declared("1x24576"));
        slots.acquire(1, 0, NO_WAIT).orElseThrow();

        long started = System.nanoTime();
        assertThat(slots.acquire(1, 0, Duration.ofMillis(200))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
    }
}

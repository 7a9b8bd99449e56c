package dev.gale.worker.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parsing of {@code nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits}, in
 * the format that command prints (one line per GPU, ", " between fields, memory in MiB).
 */
class NvidiaSmiTest {

    @Test
    void theQueryIsTheOneParsed() {
        assertThat(NvidiaSmi.COMMAND).containsExactly("nvidia-smi", "--query-gpu=index,name,memory.total",
                "--format=csv,noheader,nounits");
    }

    @Test
    void oneH200() {
        assertThat(NvidiaSmi.parse("0, NVIDIA H200, 143771\n")).containsExactly(new Gpu(0, "NVIDIA H200", 143771));
    }

    @Test
    void mixedGpusKeepTheirOwnMemoryAndIndex() {
        String output = "0, NVIDIA A100-SXM4-80GB, 81920\r\n1, NVIDIA L4, 23034\r\n\r\n";

        GpuInventory inventory = new GpuInventory(NvidiaSmi.parse(output), false);

        assertThat(inventory.gpus()).containsExactly(new Gpu(0, "NVIDIA A100-SXM4-80GB", 81920),
                new Gpu(1, "NVIDIA L4", 23034));
        assertThat(inventory.memoryMbEach()).isEqualTo(23034);
        assertThat(inventory.declared()).isFalse();
    }

    @Test
    void aNameWithACommaIsKeptWhole() {
        assertThat(NvidiaSmi.parse("3, Tesla V100-SXM2-32GB, rev. 2, 32768")).containsExactly(
                new Gpu(3, "Tesla V100-SXM2-32GB, rev. 2", 32768));
    }

    @Test
    void noOutputMeansNoGpu() {
        assertThat(NvidiaSmi.parse("")).isEqualTo(List.of());
    }

    @Test
    void memoryThatIsNotANumberSaysWhatToDo() {
        assertThatThrownBy(() -> NvidiaSmi.parse("0, NVIDIA A100-SXM4-40GB MIG 1g.5gb, [N/A]"))
                .hasMessageContaining("declare its inventory instead");
    }
}

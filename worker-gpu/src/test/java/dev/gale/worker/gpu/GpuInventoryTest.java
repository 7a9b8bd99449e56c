package dev.gale.worker.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GpuInventoryTest {

    @Test
    void nvidiaSmiCsvBecomesOneGpuPerLine() {
        // The format of: nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader,nounits
        String output = "0, NVIDIA H100 80GB HBM3, 81559\n1, NVIDIA H100 80GB HBM3, 81559\n";

        assertThat(NvidiaSmi.parse(output)).containsExactly(
                new Gpu(0, "NVIDIA H100 80GB HBM3", 81559),
                new Gpu(1, "NVIDIA H100 80GB HBM3", 81559));
    }

    @Test
    void aDeclaredInventoryIsMarkedAsDeclared() {
        GpuInventory inventory = GpuInventory.declared("2x24576");

        assertThat(inventory.declared()).isTrue();
        assertThat(inventory.gpus()).hasSize(2);
        assertThat(inventory.memoryMbEach()).isEqualTo(24576);
    }

    @Test
    void aMalformedDeclarationSaysWhatTheFormatIs() {
        assertThatThrownBy(() -> GpuInventory.declared("two big ones"))
                .hasMessageContaining("COUNTxMEMORY_MB, e.g. 2x24576");
    }

    @Test
    void mixedModelsAdvertiseTheSmallestMemory() {
        GpuInventory inventory = new GpuInventory(java.util.List.of(new Gpu(0, "A", 40960), new Gpu(1, "B", 24576)),
                false);

        assertThat(inventory.model()).isEqualTo("mixed");
        assertThat(inventory.memoryMbEach()).isEqualTo(24576);
    }
}

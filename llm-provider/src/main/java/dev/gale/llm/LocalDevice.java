package dev.gale.llm;

import dev.gale.sdk.ModelNeeds.GpuFallback;
import dev.gale.sdk.spec.LlmSpec;
import java.util.List;
import java.util.Locale;

/**
 * Where a task's in-process models run: on the GPUs its attempt was given (as {@code nvidia-smi} numbers
 * them; none means the CPU), and what happens when CUDA cannot be initialised on them.
 */
record LocalDevice(List<Integer> gpus, GpuFallback whenGpuUnavailable) {
    static final LocalDevice CPU = new LocalDevice(List.of(), GpuFallback.CPU);

    LocalDevice {
        gpus = List.copyOf(gpus);
    }

    static LocalDevice of(List<Integer> gpus, LlmSpec spec) {
        String fallback = spec == null ? null : spec.whenGpuUnavailable();
        return new LocalDevice(gpus, fallback == null ? GpuFallback.CPU
                : GpuFallback.valueOf(fallback.toUpperCase(Locale.ROOT)));
    }
}

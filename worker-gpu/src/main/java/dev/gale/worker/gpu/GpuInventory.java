package dev.gale.worker.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The GPUs a worker offers, discovered or declared, and how they are described. */
public record GpuInventory(List<Gpu> gpus, boolean declared) {
    private static final Pattern DECLARED = Pattern.compile("(\\d+)x(\\d+)");

    public GpuInventory {
        gpus = List.copyOf(gpus);
    }

    /**
     * Parses a declared inventory such as {@code 2x24576} (two GPUs of 24,576 MiB each), for routing
     * tests and demos on machines without a GPU.
     */
    public static GpuInventory declared(String spec) {
        Matcher m = DECLARED.matcher(spec.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("a declared GPU inventory is COUNTxMEMORY_MB, e.g. 2x24576; got '"
                    + spec + "'");
        }
        int count = Integer.parseInt(m.group(1));
        long memory = Long.parseLong(m.group(2));
        List<Gpu> gpus = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            gpus.add(new Gpu(i, "declared", memory));
        }
        return new GpuInventory(gpus, true);
    }

    public boolean isEmpty() {
        return gpus.isEmpty();
    }

    /** The model to advertise: the common model name, or "mixed". */
    public String model() {
        return gpus.stream().map(Gpu::model).distinct().reduce((a, b) -> "mixed").orElse("");
    }

    /** "0: NVIDIA H200 (143771 MiB), 1: ..." for the worker's start-up line. */
    public String describe() {
        return String.join(", ", gpus.stream().map(g -> g.index() + ": " + g.model() + " (" + g.memoryMb() + " MiB)")
                .toList());
    }

    /** Memory per GPU to advertise: the smallest, so that a task never lands on a GPU too small. */
    public long memoryMbEach() {
        return gpus.stream().mapToLong(Gpu::memoryMb).min().orElse(0);
    }
}

package dev.gale.worker.gpu;

/** One GPU a worker offers: its index on the host, model name and memory. */
public record Gpu(int index, String model, long memoryMb) {
}

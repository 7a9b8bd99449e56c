package dev.gale.sdk;

import dev.gale.sdk.spec.ResourceSpec;

/**
 * What a task needs of its worker, named: {@code Resources.cpus(1).memoryMb(2048).gpus(1).gpuMemoryMb(16_384)}.
 * Unset amounts are 0, "not stated". Immutable; each call returns a new value.
 */
public record Resources(double cpus, long memoryMb, int gpus, long gpuMemoryMb) {

    public static Resources cpus(double count) {
        return new Resources(count, 0, 0, 0);
    }

    public static Resources gpus(int count) {
        return new Resources(0, 0, count, 0);
    }

    public Resources memoryMb(long mb) {
        return new Resources(cpus, mb, gpus, gpuMemoryMb);
    }

    public Resources withGpus(int count) {
        return new Resources(cpus, memoryMb, count, gpuMemoryMb);
    }

    public Resources gpuMemoryMb(long mb) {
        return new Resources(cpus, memoryMb, gpus, mb);
    }

    ResourceSpec toSpec() {
        return new ResourceSpec(cpus, memoryMb, gpus, gpuMemoryMb);
    }
}

package dev.gale.sdk.spec;

/** What a task asks of the worker that runs it. Zero means "not stated". */
public record ResourceSpec(double cpu, long memoryMb, int gpu, long gpuMemoryMb) {
    public static final ResourceSpec NONE = new ResourceSpec(0, 0, 0, 0);
}

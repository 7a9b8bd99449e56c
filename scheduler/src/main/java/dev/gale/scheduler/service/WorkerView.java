package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.WorkerOffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A connected worker as the server knows it: what it announced at registration, when it was last
 * seen, how many task instances (and GPUs) its running attempts hold now, and the task kinds it runs
 * (empty: what Gale's Java worker runs).
 */
public record WorkerView(
        String workerId,
        String hostname,
        List<String> queues,
        int slots,
        long memoryMb,
        int gpuCount,
        String gpuModel,
        long gpuMemoryMb,
        boolean takesCpuTasks,
        Map<String, String> labels,
        String softwareVersion,
        Instant registeredAt,
        Instant lastHeartbeatAt,
        int slotsInUse,
        int gpusInUse,
        List<String> taskKinds) {

    public WorkerOffer offer() {
        return new WorkerOffer(workerId, queues, gpuCount, gpuMemoryMb, takesCpuTasks, taskKinds);
    }
}

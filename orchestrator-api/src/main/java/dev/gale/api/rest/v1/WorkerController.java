package dev.gale.api.rest.v1;

import dev.gale.scheduler.service.WorkerDirectory;
import dev.gale.scheduler.service.WorkerView;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/workers}: the workers connected now, what they offer and what they are running. */
@RestController
@RequestMapping("/api/v1/workers")
class WorkerController {
    private final WorkerDirectory workers;

    WorkerController(WorkerDirectory workers) {
        this.workers = workers;
    }

    record CapabilitiesResponse(int slots, long memoryMb, int gpuCount, String gpuModel, long gpuMemoryMb,
                                boolean takesCpuTasks, Map<String, String> labels) {
    }

    record WorkerResponse(String workerId, String hostname, List<String> queues, CapabilitiesResponse capabilities,
                          int slotsInUse, int gpusInUse, String softwareVersion, Instant registeredAt,
                          Instant lastHeartbeat) {
        static WorkerResponse of(WorkerView w) {
            return new WorkerResponse(w.workerId(), w.hostname(), w.queues(),
                    new CapabilitiesResponse(w.slots(), w.memoryMb(), w.gpuCount(), w.gpuModel(), w.gpuMemoryMb(),
                            w.takesCpuTasks(), w.labels()),
                    w.slotsInUse(), w.gpusInUse(), w.softwareVersion(), w.registeredAt(), w.lastHeartbeatAt());
        }
    }

    record WorkerListResponse(List<WorkerResponse> workers, int totalEntries) {
    }

    @Operation(summary = "List connected workers", description = "Ordered by worker id: each with its queues, what"
            + " it offers (slots, GPUs), how many slots and GPUs its running task instances hold, and when it was"
            + " last seen. A worker whose stream closed, or that was not seen for the heartbeat timeout, is left out.")
    @GetMapping
    WorkerListResponse list() {
        List<WorkerResponse> connected = workers.connected().stream().map(WorkerResponse::of).toList();
        return new WorkerListResponse(connected, connected.size());
    }
}

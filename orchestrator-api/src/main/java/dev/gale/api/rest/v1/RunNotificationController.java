package dev.gale.api.rest.v1;

import dev.gale.scheduler.service.NotificationOutbox;
import dev.gale.scheduler.service.NotificationView;
import dev.gale.scheduler.service.RunService;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/dags/{dagId}/runs/{runId}/notifications}: a run's deadline and the notifications sent of it. */
@RestController
@RequestMapping("/api/v1/dags/{dagId}/runs/{runId}/notifications")
class RunNotificationController {
    private final RunService runs;
    private final NotificationOutbox outbox;

    RunNotificationController(RunService runs, NotificationOutbox outbox) {
        this.runs = runs;
        this.outbox = outbox;
    }

    /** A run's deadline (null when its DAG declares none) and each notification with its delivery status. */
    record RunNotificationsResponse(Deadline deadline, List<NotificationView> notifications) {
    }

    record Deadline(Instant dueAt, Instant missedAt, boolean missed) {
    }

    @Operation(summary = "A run's deadline and notifications",
            description = "Each notification says where it went (kind, url), its state (pending while retrying,"
                    + " delivered, failed once out of attempts), attempts, the receiver's last status code and error.")
    @GetMapping
    RunNotificationsResponse get(@PathVariable String dagId, @PathVariable String runId) {
        runs.find(dagId, runId).orElseThrow(() -> ApiException.notFound("unknown-run",
                "DAG '" + dagId + "' has no run '" + runId + "'"));
        Deadline deadline = outbox.deadline(dagId, runId)
                .map(d -> new Deadline(d.dueAt(), d.missedAt(), d.missedAt() != null)).orElse(null);
        return new RunNotificationsResponse(deadline, outbox.forRun(dagId, runId));
    }
}

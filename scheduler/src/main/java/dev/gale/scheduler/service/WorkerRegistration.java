package dev.gale.scheduler.service;

import java.time.Instant;
import java.util.List;

/** A worker as it announced itself. Capabilities are raw JSON text. */
public record WorkerRegistration(String workerId, String hostname, List<String> queues, String capabilitiesJson,
                                 String softwareVersion, Instant registeredAt) {
}

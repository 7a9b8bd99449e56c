package dev.gale.scheduler.service;

import java.time.Instant;
import java.util.List;

/**
 * A worker as it announced itself. Capabilities are raw JSON text. The incarnation tells one process of
 * a worker id from the next (empty when the worker does not say).
 */
public record WorkerRegistration(String workerId, String hostname, List<String> queues, String capabilitiesJson,
                                 String softwareVersion, Instant registeredAt, String incarnation) {
}

package dev.gale.api.grpc.v1;

import dev.gale.api.metrics.LlmMeters;
import dev.gale.scheduler.service.LlmUsageStore;

/**
 * What the TEI's LLM calls need: the catalog as workers get it (JSON), where calls are recorded, and the meters
 * that count them for operators.
 */
public record LlmCalls(String catalogJson, LlmUsageStore usage, LlmMeters meters) {
}

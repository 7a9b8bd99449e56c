package dev.gale.api.grpc.v1;

import dev.gale.scheduler.service.LlmUsageStore;

/** What the TEI's LLM calls need: the catalog as workers get it (JSON), and where calls are recorded. */
public record LlmCalls(String catalogJson, LlmUsageStore usage) {
}

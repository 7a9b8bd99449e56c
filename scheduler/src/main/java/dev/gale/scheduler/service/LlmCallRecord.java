package dev.gale.scheduler.service;

import java.time.Instant;

/**
 * One model call of one attempt of a task instance, as recorded through the TEI. {@code outcome} is
 * {@code success}, {@code replayed}, {@code rate_limited} or {@code error}; {@code device} is where an
 * in-process model ran it ({@code cpu}, {@code gpu:0}), null for a call to a provider's server.
 */
public record LlmCallRecord(
        String taskId,
        int mapIndex,
        int attempt,
        String provider,
        String model,
        long inputTokens,
        long outputTokens,
        long costMicroUsd,
        long latencyMs,
        String outcome,
        String choiceReasons,
        String callHash,
        String responseJson,
        String error,
        Instant recordedAt,
        String device) {

    public static final java.util.Set<String> OUTCOMES = java.util.Set.of("success", "replayed", "rate_limited",
            "error");
}

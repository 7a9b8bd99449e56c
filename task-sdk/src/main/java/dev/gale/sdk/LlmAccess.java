package dev.gale.sdk;

import dev.gale.sdk.spec.TaskSpec;
import java.util.Optional;

/**
 * What the LLM layer ({@code dev.gale.llm.CommonLlm}) needs of the worker running a task. Task code
 * does not use it directly: it calls {@code CommonLlm.forTask(ctx)}.
 */
public interface LlmAccess {
    /** The running task's spec: its declared model needs and resources. */
    TaskSpec task();

    /** The deployment's model catalog, as the API server serves it to workers (JSON). */
    String catalogJson();

    /** Looks up a call before it is made: an earlier attempt's recorded answer, and what the run spent. */
    Prepared prepare(String callHash);

    /** Records one call (made, replayed or failed) against this task instance. */
    void record(Call call);

    /**
     * @param replayedResponse the response an earlier attempt of this task instance got for the same
     *                         call, when there is one
     * @param runSpentMicroUsd what the run's calls cost so far, in micro-USD
     */
    record Prepared(Optional<String> replayedResponse, long runSpentMicroUsd) {
    }

    /**
     * One call to a model. {@code outcome} is {@code success}, {@code replayed}, {@code rate_limited} or
     * {@code error}; {@code reasons} is why the policy chose the model; {@code callHash} identifies
     * identical calls (model, messages, parameters) and {@code responseJson} is kept for replay;
     * {@code error} says what went wrong when the call failed (empty otherwise); {@code device} is where an
     * in-process model ran it ({@code cpu}, or {@code gpu:N} with N as {@code nvidia-smi} numbers the GPU),
     * empty for a call to a provider's server; {@code embeddedTexts} is how many texts an embedding call embedded
     * (0 for other calls).
     */
    record Call(String provider, String model, long inputTokens, long outputTokens, long costMicroUsd, long latencyMs,
                String outcome, String reasons, String callHash, String responseJson, String error, String device,
                long embeddedTexts) {
        /** A call that embedded nothing (a chat, a tool, a failed call). */
        public Call(String provider, String model, long inputTokens, long outputTokens, long costMicroUsd,
                    long latencyMs, String outcome, String reasons, String callHash, String responseJson, String error,
                    String device) {
            this(provider, model, inputTokens, outputTokens, costMicroUsd, latencyMs, outcome, reasons, callHash,
                    responseJson, error, device, 0);
        }
    }
}

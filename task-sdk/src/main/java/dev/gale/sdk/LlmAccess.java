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
        /** Starts describing a call to {@code model} at {@code provider} (a tool call: provider "tool", its name). */
        public static Builder of(String provider, String model) {
            return new Builder(provider, model);
        }

        /** A call described by name: a success with no tokens, cost or time unless set, every text empty. */
        public static final class Builder {
            private final String provider;
            private final String model;
            private long inputTokens;
            private long outputTokens;
            private long costMicroUsd;
            private long latencyMs;
            private String outcome = "success";
            private String reasons = "";
            private String callHash = "";
            private String responseJson = "";
            private String error = "";
            private String device = "";
            private long embeddedTexts;

            private Builder(String provider, String model) {
                this.provider = provider;
                this.model = model;
            }

            public Builder tokens(long input, long output) {
                this.inputTokens = input;
                this.outputTokens = output;
                return this;
            }

            public Builder costMicroUsd(long micros) {
                this.costMicroUsd = micros;
                return this;
            }

            public Builder latencyMs(long millis) {
                this.latencyMs = millis;
                return this;
            }

            public Builder outcome(String outcome) {
                this.outcome = outcome;
                return this;
            }

            /** What went wrong, for a call whose outcome says it failed. */
            public Builder error(String error) {
                this.error = error;
                return this;
            }

            /** A failed call: outcome {@code error}, with what went wrong. */
            public Builder failed(String error) {
                return outcome("error").error(error);
            }

            public Builder reasons(String reasons) {
                this.reasons = reasons;
                return this;
            }

            /** Kept for replay: the call's identity and the recorded response. */
            public Builder replayable(String callHash, String responseJson) {
                this.callHash = callHash;
                this.responseJson = responseJson;
                return this;
            }

            public Builder device(String device) {
                this.device = device;
                return this;
            }

            public Builder embeddedTexts(long texts) {
                this.embeddedTexts = texts;
                return this;
            }

            public Call build() {
                return new Call(provider, model, inputTokens, outputTokens, costMicroUsd, latencyMs, outcome, reasons,
                        callHash, responseJson, error, device, embeddedTexts);
            }
        }
    }
}

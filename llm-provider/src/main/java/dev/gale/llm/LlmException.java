package dev.gale.llm;

/** An LLM call that cannot be made or answered: the message says why and what to change. */
public class LlmException extends RuntimeException {
    public LlmException(String message) {
        super(message);
    }

    public LlmException(String message, Throwable cause) {
        super(message, cause);
    }
}

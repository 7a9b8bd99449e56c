package dev.gale.llm;

/** One chat request of a {@link Llm#chatBatch batch}: an optional system message and a user message. */
public record BatchRequest(String system, String user) {
    public BatchRequest {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("a batch request needs a user message");
        }
    }

    /** A request with a user message only. */
    public static BatchRequest of(String user) {
        return new BatchRequest(null, user);
    }
}

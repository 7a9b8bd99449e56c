package dev.gale.llm.rag;

/** A document that cannot be ingested (unreadable, of an unsupported type, or empty); the message says which and why. */
public final class BadDocumentException extends RuntimeException {
    public BadDocumentException(String message) {
        super(message);
    }

    public BadDocumentException(String message, Throwable cause) {
        super(message, cause);
    }
}

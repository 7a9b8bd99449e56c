package dev.gale.api.standalone;

/** Gale cannot start; the message says why and what to do, in one line. */
public class StandaloneException extends RuntimeException {
    public StandaloneException(String message) {
        super(message);
    }
}

package dev.gale.scheduler.trigger;

/** A deferral's trigger the server cannot evaluate as given; the message says what to change. */
public final class InvalidTriggerException extends IllegalArgumentException {
    public InvalidTriggerException(String message) {
        super(message);
    }
}

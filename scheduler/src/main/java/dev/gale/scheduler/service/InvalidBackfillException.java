package dev.gale.scheduler.service;

/** A backfill request that cannot be carried out as asked; the message says what to change. */
public class InvalidBackfillException extends RuntimeException {
    public InvalidBackfillException(String message) {
        super(message);
    }
}

package dev.gale.scheduler.service;

/** A task's asset call that cannot be served as asked: an undeclared asset, or metadata that is not a JSON object. */
public final class InvalidAssetCallException extends RuntimeException {
    public InvalidAssetCallException(String message) {
        super(message);
    }
}

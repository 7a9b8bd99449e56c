package dev.gale.scheduler.service;

/** No task asked a person anything under that id. */
public class UnknownHumanRequestException extends RuntimeException {
    public UnknownHumanRequestException(long requestId) {
        super("there is no human request " + requestId);
    }
}

package dev.gale.scheduler.service;

/** The run is not in a state that allows what was asked (cancelling a finished run, clearing a running one). */
public class RunStateConflictException extends RuntimeException {
    public RunStateConflictException(String message) {
        super(message);
    }
}

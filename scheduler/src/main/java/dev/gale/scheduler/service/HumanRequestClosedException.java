package dev.gale.scheduler.service;

/** The request was decided already (by a person or its timeout) or its task stopped waiting. */
public class HumanRequestClosedException extends RuntimeException {
    private final HumanRequestView request;

    public HumanRequestClosedException(HumanRequestView request) {
        super("human request " + request.id() + " is " + request.state()
                + (request.decidedAt() == null ? "" : " since " + request.decidedAt()) + "; it takes one decision");
        this.request = request;
    }

    public HumanRequestView request() {
        return request;
    }
}

package dev.gale.scheduler.service;

import dev.gale.sdk.ParamValidator;
import java.util.List;
import java.util.stream.Collectors;

/** A decision that does not fit its request: an option it does not offer, or form values that break its fields. */
public class InvalidDecisionException extends RuntimeException {
    private final List<ParamValidator.Violation> violations;

    public InvalidDecisionException(long requestId, List<ParamValidator.Violation> violations) {
        super("the decision does not fit human request " + requestId + ": " + violations.stream()
                .map(v -> v.field() + " " + v.message()).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    public List<ParamValidator.Violation> violations() {
        return violations;
    }
}

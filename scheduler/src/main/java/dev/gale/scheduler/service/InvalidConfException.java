package dev.gale.scheduler.service;

import dev.gale.sdk.ParamValidator;
import java.util.List;
import java.util.stream.Collectors;

/** A run's conf breaks the DAG's params schema; no run was created. */
public class InvalidConfException extends RuntimeException {
    private final List<ParamValidator.Violation> violations;

    public InvalidConfException(String dagId, List<ParamValidator.Violation> violations) {
        super("conf does not match the params of DAG '" + dagId + "': " + violations.stream()
                .map(v -> v.field() + " " + v.message()).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    public List<ParamValidator.Violation> violations() {
        return violations;
    }
}

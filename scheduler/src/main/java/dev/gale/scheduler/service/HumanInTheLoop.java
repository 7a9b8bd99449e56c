package dev.gale.scheduler.service;

import dev.gale.sdk.ParamValidator;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * People's answers to the requests tasks make of them. A decision is checked against its request, then
 * fires the request's trigger, which resumes the waiting task exactly once: a second decision, at the same
 * moment or later, finds the trigger fired and is refused.
 */
public final class HumanInTheLoop {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HumanRequestStore requests;
    private final DeferredTasks deferred;
    private final Clock clock;

    public HumanInTheLoop(HumanRequestStore requests, DeferredTasks deferred, Clock clock) {
        this.requests = requests;
        this.deferred = deferred;
        this.clock = clock;
    }

    public List<HumanRequestView> list(HumanRequestQuery query) {
        if (query.state() != null && !Set.of(HumanRequestView.PENDING, HumanRequestView.DECIDED,
                HumanRequestView.CANCELLED).contains(query.state())) {
            throw new IllegalArgumentException("state must be pending, decided or cancelled, got '" + query.state()
                    + "'");
        }
        return requests.list(query);
    }

    public Optional<HumanRequestView> find(long requestId) {
        return requests.find(requestId);
    }

    /** The outputs of the upstream tasks the request shows, by task id (JSON). */
    public Map<String, String> shownOutputs(HumanRequestView request) {
        return request.show().isEmpty() ? Map.of() : requests.outputs(request.id(), request.show());
    }

    /**
     * Records {@code decidedBy}'s decision and resumes the task with it.
     *
     * @param values the form's values; null for none
     * @return the request, decided
     * @throws UnknownHumanRequestException when there is no such request
     * @throws InvalidDecisionException     when the option or a value does not fit the request
     * @throws HumanRequestClosedException  when it was decided already or its task stopped waiting
     */
    public HumanRequestView decide(long requestId, String option, Map<String, Object> values, String comment,
                                   String decidedBy) {
        HumanRequestView request = requests.find(requestId)
                .orElseThrow(() -> new UnknownHumanRequestException(requestId));
        if (!request.pending()) {
            throw new HumanRequestClosedException(request);
        }
        List<ParamValidator.Violation> violations = new ArrayList<>();
        if (option == null || !request.options().contains(option)) {
            violations.add(new ParamValidator.Violation("option", (option == null ? "is required"
                    : "'" + option + "' is not an option of this request") + "; choose one of " + request.options()));
        }
        Map<String, Object> given = values == null ? Map.of() : values;
        Set<String> fields = Set.copyOf(request.form().stream().map(f -> f.name()).toList());
        given.keySet().stream().filter(k -> !fields.contains(k)).sorted().forEach(k -> violations.add(
                new ParamValidator.Violation("values." + k, "is not a field of this request's form; its fields are "
                        + request.form().stream().map(f -> f.name()).toList())));
        ParamValidator.Result checked = ParamValidator.validate(request.form(), given);
        checked.violations().forEach(v -> violations.add(new ParamValidator.Violation("values." + v.field(),
                v.message())));
        if (!violations.isEmpty()) {
            throw new InvalidDecisionException(requestId, violations);
        }
        Instant now = clock.instant();
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("option", option);
        decision.put("values", checked.params());
        decision.put("decidedBy", decidedBy);
        decision.put("decidedAt", now.toString());
        decision.put("comment", comment == null || comment.isBlank() ? null : comment);
        decision.put("timedOut", false);
        if (!deferred.resume(requestId, JSON.writeValueAsString(decision))) {
            throw new HumanRequestClosedException(requests.find(requestId).orElseThrow());
        }
        return requests.find(requestId).orElseThrow();
    }
}

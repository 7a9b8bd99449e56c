package dev.gale.scheduler.service;

import dev.gale.sdk.spec.ParamSpec;
import java.time.Instant;
import java.util.List;

/**
 * A request a task made of a person (an armed or fired trigger of kind {@code human}), with where it comes
 * from and, once decided, the decision.
 *
 * @param id           the request's id (its trigger's)
 * @param state        pending, decided (by a person or by its timeout's default outcome) or cancelled
 *                     (its task timed out without a default or was cancelled)
 * @param decisionJson the decision as the task gets it; null while pending
 */
public record HumanRequestView(long id, String dagId, String runId, String taskId, int mapIndex, String state,
                               String subject, String body, List<String> options, List<ParamSpec> form,
                               List<String> show, String assigneeRole, Instant requestedAt, Instant timeoutAt,
                               String decisionJson, Instant decidedAt) {
    public static final String PENDING = "pending";
    public static final String DECIDED = "decided";
    public static final String CANCELLED = "cancelled";

    public boolean pending() {
        return PENDING.equals(state);
    }
}

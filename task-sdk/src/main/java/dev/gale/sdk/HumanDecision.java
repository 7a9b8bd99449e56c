package dev.gale.sdk;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A person's answer to a {@link HumanRequest}, or its default outcome when the wait timed out; the output
 * of an approval task.
 *
 * @param option    the option taken
 * @param values    the form's values (defaults applied); empty without a form
 * @param decidedBy the name of the API token that decided; null when it timed out
 * @param decidedAt when; null when it timed out
 * @param comment   what the person wrote beside the decision; may be null
 * @param timedOut  whether nobody decided in time and this is the request's default outcome
 * @param follow    in an approval task's output only: the direct downstream tasks the decision follows
 *                  (those named by the options not taken are skipped)
 */
public record HumanDecision(String option, Map<String, Object> values, String decidedBy, Instant decidedAt,
                            String comment, boolean timedOut,
                            @JsonInclude(JsonInclude.Include.NON_NULL) List<String> follow) {
    public HumanDecision {
        values = values == null ? Map.of() : values;
    }

    /** Whether the option taken is {@code optionName}. */
    public boolean is(String optionName) {
        return optionName.equals(option);
    }

    HumanDecision following(List<String> taskIds) {
        return new HumanDecision(option, values, decidedBy, decidedAt, comment, timedOut, List.copyOf(taskIds));
    }
}

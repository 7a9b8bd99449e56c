package dev.gale.llm;

import java.util.List;
import java.util.Optional;

/**
 * The model a policy chose (if any met the requirements) and the reasons, for people to read.
 * {@code acceptable} lists every model that met them, best first (the chosen one, then the ones to
 * fall back to).
 */
public record ModelChoice(Optional<ModelSpec> model, List<String> reasons, List<ModelSpec> acceptable) {
    public ModelChoice {
        reasons = List.copyOf(reasons);
        acceptable = List.copyOf(acceptable);
    }

    public String explanation() {
        return String.join("; ", reasons);
    }
}

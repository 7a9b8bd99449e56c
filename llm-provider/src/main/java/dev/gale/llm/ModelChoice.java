package dev.gale.llm;

import java.util.List;
import java.util.Optional;

/** The model a policy chose (if any met the requirements) and the reasons, for people to read. */
public record ModelChoice(Optional<ModelSpec> model, List<String> reasons) {
    public ModelChoice {
        reasons = List.copyOf(reasons);
    }

    public String explanation() {
        return String.join("; ", reasons);
    }
}

package dev.gale.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.sdk.spec.ParamSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamValidatorTest {
    private static final List<ParamSpec> PARAMS = List.of(
            Param.string("name").defaultValue("world").toSpec(),
            Param.integer("epochs").required().min(1).max(100).toSpec(),
            Param.string("mode").oneOf("fast", "careful").defaultValue("fast").toSpec());

    @Test
    void defaultsFillWhatConfLeavesOutAndExtraKeysPassThrough() {
        var result = ParamValidator.validate(PARAMS, Map.of("epochs", 5, "note", "extra"));

        assertThat(result.valid()).isTrue();
        assertThat(result.params()).containsEntry("name", "world").containsEntry("epochs", 5)
                .containsEntry("mode", "fast").containsEntry("note", "extra");
    }

    @Test
    void everyViolationIsListedWithItsField() {
        var result = ParamValidator.validate(PARAMS, Map.of("name", 7, "mode", "reckless"));

        assertThat(result.violations()).extracting(v -> v.field() + ": " + v.message()).containsExactly(
                "name: must be a string, got the number 7",
                "epochs: is required",
                "mode: must be one of [fast, careful], got the string \"reckless\"");
    }

    @Test
    void integersAndBoundsAreChecked() {
        assertThat(ParamValidator.validate(PARAMS, Map.of("epochs", 2.5)).violations())
                .extracting(ParamValidator.Violation::message).containsExactly("must be an integer, got the number 2.5");
        assertThat(ParamValidator.validate(PARAMS, Map.of("epochs", 101)).violations())
                .extracting(ParamValidator.Violation::message).containsExactly("must be at most 100, got 101");
    }

    @Test
    void aSecretsValueIsNeverRepeatedInTheMessageThatRefusesIt() {
        var pin = new ParamSpec("pin", "integer", null, false, null, List.of(), null, 9999.0, true);
        var code = new ParamSpec("code", "string", null, false, null, List.of("a1", "b2"), null, null, true);

        assertThat(ParamValidator.validate(List.of(pin, code), Map.of("pin", 123456, "code", "zz9")).violations())
                .extracting(v -> v.field() + ": " + v.message())
                .containsExactly("pin: must be at most 9999", "code: must be one of the allowed values");
        assertThat(ParamValidator.validate(List.of(pin), Map.of("pin", "sk-live-1")).violations())
                .extracting(ParamValidator.Violation::message).containsExactly("must be an integer, got a string");
    }
}

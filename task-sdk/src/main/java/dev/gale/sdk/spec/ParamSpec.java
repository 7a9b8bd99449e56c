package dev.gale.sdk.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The serialized form of a declared param, as shown in the DAG's params schema. {@code secret} is
 * left out of the JSON when false, so that DAG versions from before it existed keep their hashes.
 */
public record ParamSpec(
        String name,
        String type,
        Object defaultValue,
        boolean required,
        String description,
        List<Object> allowedValues,
        Double minimum,
        Double maximum,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean secret) {
}

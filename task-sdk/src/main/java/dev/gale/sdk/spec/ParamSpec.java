package dev.gale.sdk.spec;

import java.util.List;

/** The serialized form of a declared param, as shown in the DAG's params schema. */
public record ParamSpec(
        String name,
        String type,
        Object defaultValue,
        boolean required,
        String description,
        List<Object> allowedValues,
        Double minimum,
        Double maximum) {
}

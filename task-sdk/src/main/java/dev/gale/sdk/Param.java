package dev.gale.sdk;

import java.util.List;
import java.util.Objects;

/**
 * A declared DAG param: the schema a run's {@code conf} is validated against before the run exists.
 * Build one with {@link #string(String)}, {@link #integer(String)} and friends, then chain options.
 */
public record Param(String name, ParamType type, Object defaultValue, boolean isRequired, String description,
                    List<Object> allowedValues, Double minimum, Double maximum, boolean isSecret) {

    public Param {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        allowedValues = allowedValues == null ? List.of() : List.copyOf(allowedValues);
    }

    public static Param of(String name, ParamType type) {
        return new Param(name, type, null, false, null, List.of(), null, null, false);
    }

    public static Param string(String name) {
        return of(name, ParamType.STRING);
    }

    public static Param integer(String name) {
        return of(name, ParamType.INTEGER);
    }

    public static Param number(String name) {
        return of(name, ParamType.NUMBER);
    }

    public static Param bool(String name) {
        return of(name, ParamType.BOOLEAN);
    }

    public static Param array(String name) {
        return of(name, ParamType.ARRAY);
    }

    public static Param object(String name) {
        return of(name, ParamType.OBJECT);
    }

    public Param defaultValue(Object value) {
        return new Param(name, type, value, isRequired, description, allowedValues, minimum, maximum, isSecret);
    }

    public Param required() {
        return new Param(name, type, defaultValue, true, description, allowedValues, minimum, maximum, isSecret);
    }

    public Param description(String text) {
        return new Param(name, type, defaultValue, isRequired, text, allowedValues, minimum, maximum, isSecret);
    }

    /** Restricts the param to these values (an enum). */
    public Param oneOf(Object... values) {
        return new Param(name, type, defaultValue, isRequired, description, List.of(values), minimum, maximum, isSecret);
    }

    public Param min(double value) {
        return new Param(name, type, defaultValue, isRequired, description, allowedValues, value, maximum, isSecret);
    }

    public Param max(double value) {
        return new Param(name, type, defaultValue, isRequired, description, allowedValues, minimum, value, isSecret);
    }

    /**
     * Marks the param secret: tasks get its value, but the API shows the run's conf with it masked,
     * and task logs have it replaced by {@code ***}.
     */
    public Param secret() {
        return new Param(name, type, defaultValue, isRequired, description, allowedValues, minimum, maximum, true);
    }

    /** The serialized form, as stored with the DAG version and shown in the params schema. */
    public dev.gale.sdk.spec.ParamSpec toSpec() {
        return new dev.gale.sdk.spec.ParamSpec(name, type.wireName(), defaultValue, isRequired, description,
                allowedValues, minimum, maximum, isSecret);
    }
}

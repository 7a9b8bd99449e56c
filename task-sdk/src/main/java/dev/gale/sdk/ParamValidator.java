package dev.gale.sdk;

import dev.gale.sdk.spec.ParamSpec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates a run's {@code conf} against a DAG's declared params and applies their defaults.
 * Keys the DAG does not declare pass through unchanged, as in Airflow.
 */
public final class ParamValidator {
    private ParamValidator() {
    }

    /** One thing wrong with one field of {@code conf}. */
    public record Violation(String field, String message) {
    }

    /** The params a run gets (conf plus defaults), or the violations that stop it from existing. */
    public record Result(Map<String, Object> params, List<Violation> violations) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    public static Result validate(List<ParamSpec> declared, Map<String, Object> conf) {
        Map<String, Object> params = new LinkedHashMap<>(conf);
        List<Violation> violations = new ArrayList<>();
        for (ParamSpec param : declared) {
            Object value = conf.get(param.name());
            if (value == null) {
                if (param.defaultValue() != null) {
                    params.put(param.name(), param.defaultValue());
                } else if (param.required()) {
                    violations.add(new Violation(param.name(), "is required"
                            + (param.description() == null ? "" : " (" + param.description() + ")")));
                }
                continue;
            }
            for (String problem : check(param, value)) {
                violations.add(new Violation(param.name(), problem));
            }
        }
        return new Result(params, List.copyOf(violations));
    }

    /** What is wrong with {@code value} for {@code param}; empty when it fits. */
    public static List<String> check(ParamSpec param, Object value) {
        List<String> problems = new ArrayList<>();
        ParamType type = ParamType.fromWireName(param.type());
        if (!hasType(type, value)) {
            problems.add("must be " + article(type) + ", got " + (param.secret() ? kind(value) : describe(value)));
            return problems;
        }
        if (!param.allowedValues().isEmpty() && param.allowedValues().stream().noneMatch(a -> sameValue(a, value))) {
            problems.add(param.secret() ? "must be one of the allowed values"
                    : "must be one of " + param.allowedValues() + ", got " + describe(value));
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (param.minimum() != null && d < param.minimum()) {
                problems.add("must be at least " + format(param.minimum()) + got(param, value));
            }
            if (param.maximum() != null && d > param.maximum()) {
                problems.add("must be at most " + format(param.maximum()) + got(param, value));
            }
        }
        return problems;
    }

    private static boolean hasType(ParamType type, Object value) {
        return switch (type) {
            case STRING -> value instanceof String;
            case BOOLEAN -> value instanceof Boolean;
            case NUMBER -> value instanceof Number;
            case INTEGER -> value instanceof Integer || value instanceof Long || value instanceof Short
                    || value instanceof BigInteger
                    || (value instanceof BigDecimal b && b.stripTrailingZeros().scale() <= 0);
            case ARRAY -> value instanceof List<?>;
            case OBJECT -> value instanceof Map<?, ?>;
        };
    }

    private static boolean sameValue(Object allowed, Object value) {
        if (allowed instanceof Number a && value instanceof Number v) {
            return a.doubleValue() == v.doubleValue();
        }
        return allowed.equals(value);
    }

    private static String article(ParamType type) {
        return switch (type) {
            case INTEGER, OBJECT, ARRAY -> "an " + type.wireName();
            default -> "a " + type.wireName();
        };
    }

    /** A secret's value is never repeated, not even in the message that refuses it. */
    private static String got(ParamSpec param, Object value) {
        return param.secret() ? "" : ", got " + value;
    }

    private static String kind(Object value) {
        return switch (value) {
            case String s -> "a string";
            case Boolean b -> "a boolean";
            case Number n -> "a number";
            case List<?> l -> "an array";
            case Map<?, ?> m -> "an object";
            default -> value.getClass().getSimpleName();
        };
    }

    private static String describe(Object value) {
        return switch (value) {
            case String s -> "the string \"" + s + "\"";
            case Boolean b -> "the boolean " + b;
            case Number n -> "the number " + n;
            default -> kind(value);
        };
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}

package dev.gale.sdk;

/** JSON types a DAG param may have. */
public enum ParamType {
    STRING, NUMBER, INTEGER, BOOLEAN, ARRAY, OBJECT;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static ParamType fromWireName(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}

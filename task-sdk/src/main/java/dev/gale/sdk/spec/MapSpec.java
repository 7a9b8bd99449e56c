package dev.gale.sdk.spec;

/**
 * What a mapped task expands over: the list output of an upstream task ({@code source = "task"}) or
 * a list param of the run ({@code source = "param"}). One task instance is created per element.
 */
public record MapSpec(String source, String name) {
    public static final String TASK = "task";
    public static final String PARAM = "param";
}

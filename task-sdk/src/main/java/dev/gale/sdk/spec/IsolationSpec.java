package dev.gale.sdk.spec;

import java.util.List;

/**
 * Where a task's code runs, in serialized form. {@code kind} is {@code child_jvm} (the task's Java
 * code in a child JVM whose classpath starts with {@code classpath}) or {@code command} (the
 * child process {@code command}, in any language). In-process tasks have no isolation spec.
 */
public record IsolationSpec(String kind, List<String> command, List<String> classpath) {
    public static final String CHILD_JVM = "child_jvm";
    public static final String COMMAND = "command";

    public IsolationSpec {
        command = command == null ? List.of() : List.copyOf(command);
        classpath = classpath == null ? List.of() : List.copyOf(classpath);
    }
}

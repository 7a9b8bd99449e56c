package dev.gale.sdk.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Where a task's code runs, in serialized form. {@code kind} is {@code child_jvm} (the task's Java
 * code in a child JVM whose classpath starts with {@code classpath}), {@code command} (the child
 * process {@code command}, in any language) or {@code python} (the Python SDK's @task function
 * {@code python}, left out of the JSON for the other kinds) or {@code kubernetes_pod} (a pod of its own,
 * as {@code kubernetesPod} says; left out for the other kinds, so that their version hashes stay as they
 * were). In-process tasks have no isolation spec.
 */
public record IsolationSpec(String kind, List<String> command, List<String> classpath,
                            @JsonInclude(JsonInclude.Include.NON_NULL) PythonSpec python,
                            @JsonInclude(JsonInclude.Include.NON_NULL) KubernetesPodSpec kubernetesPod) {
    public static final String CHILD_JVM = "child_jvm";
    public static final String COMMAND = "command";
    public static final String PYTHON = "python";
    public static final String KUBERNETES_POD = "kubernetes_pod";

    public IsolationSpec {
        command = command == null ? List.of() : List.copyOf(command);
        classpath = classpath == null ? List.of() : List.copyOf(classpath);
    }

    public IsolationSpec(String kind, List<String> command, List<String> classpath) {
        this(kind, command, classpath, null, null);
    }

    public IsolationSpec(String kind, List<String> command, List<String> classpath, PythonSpec python) {
        this(kind, command, classpath, python, null);
    }

    public static IsolationSpec kubernetesPod(KubernetesPodSpec pod) {
        return new IsolationSpec(KUBERNETES_POD, List.of(), List.of(), null, pod);
    }

    /**
     * The task kind a worker must run, as the TEI's assignment names it: {@code java} (in the worker's
     * JVM or a child JVM), {@code command}, {@code python} or {@code kubernetes_pod}.
     */
    public static String taskKind(IsolationSpec isolation) {
        return isolation == null || isolation.kind().equals(CHILD_JVM) ? "java" : isolation.kind();
    }
}

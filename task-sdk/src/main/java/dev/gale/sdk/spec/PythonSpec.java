package dev.gale.sdk.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A Python task: the Python SDK's @task {@code function} as {@code module:function}, and its
 * environment: the worker's interpreter when {@code requirements} is null, else a virtual environment
 * built from that requirements file (found on the worker's task path), with the interpreter's own
 * site packages visible when {@code systemSitePackages}.
 */
public record PythonSpec(String function, @JsonInclude(JsonInclude.Include.NON_NULL) String requirements,
                         boolean systemSitePackages) {
}

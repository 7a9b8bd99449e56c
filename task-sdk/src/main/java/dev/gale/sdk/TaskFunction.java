package dev.gale.sdk;

/** The code of a task. Its return value becomes the task's output (XCom {@code return_value}), serialized as JSON. */
@FunctionalInterface
public interface TaskFunction {
    Object run(TaskContext context) throws Exception;
}

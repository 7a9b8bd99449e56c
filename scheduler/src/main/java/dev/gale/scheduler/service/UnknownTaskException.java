package dev.gale.scheduler.service;

/** The DAG has no task of that id. */
public class UnknownTaskException extends RuntimeException {
    public UnknownTaskException(String dagId, String taskId) {
        super("DAG '" + dagId + "' has no task '" + taskId + "'");
    }
}

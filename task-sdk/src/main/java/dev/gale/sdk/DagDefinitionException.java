package dev.gale.sdk;

/** A DAG that cannot be built as declared. The message names the DAG and, where one is at fault, the task. */
public class DagDefinitionException extends RuntimeException {
    private final String dagId;

    public DagDefinitionException(String dagId, String problem) {
        super("DAG '" + dagId + "': " + problem);
        this.dagId = dagId;
    }

    public String dagId() {
        return dagId;
    }
}

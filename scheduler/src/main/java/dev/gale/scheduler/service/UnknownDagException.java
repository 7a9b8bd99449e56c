package dev.gale.scheduler.service;

/** The named DAG does not exist (it was never loaded from a bundle). */
public class UnknownDagException extends RuntimeException {
    public UnknownDagException(String dagId) {
        super("DAG '" + dagId + "' does not exist. List the DAGs with GET /api/v1/dags.");
    }
}

package dev.gale.scheduler.service;

/** A paused DAG does not start runs. */
public class DagPausedException extends RuntimeException {
    public DagPausedException(String dagId) {
        super("DAG '" + dagId + "' is paused, so it starts no runs. Unpause it with PATCH /api/v1/dags/" + dagId
                + " {\"isPaused\": false} (role admin).");
    }
}

package dev.gale.scheduler.service;

/** A DAG as the API lists it: whether it is paused, and its current version. */
public record DagSummary(String dagId, boolean paused, DagVersion currentVersion) {
}

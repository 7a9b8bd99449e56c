package dev.gale.scheduler.service;

/** What became of a worker's report about an attempt. */
public enum ReportOutcome {
    /** Recorded. */
    ACCEPTED,
    /** The attempt is no longer current (retried elsewhere, timed out, or the run was cancelled); nothing changed. */
    STALE
}

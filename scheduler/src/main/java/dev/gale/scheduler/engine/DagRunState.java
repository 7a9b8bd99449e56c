package dev.gale.scheduler.engine;

import java.util.Locale;

/** States of a DAG run. */
public enum DagRunState {
    QUEUED, RUNNING, SUCCESS, FAILED, CANCELLED;

    public boolean isFinished() {
        return this == SUCCESS || this == FAILED || this == CANCELLED;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DagRunState fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}

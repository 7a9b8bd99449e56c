package dev.gale.scheduler.service;

import java.util.Locale;

/** A backfill's lifecycle: running until each of its runs finished, unless paused or cancelled on the way. */
public enum BackfillState {
    RUNNING, PAUSED, COMPLETED, CANCELLED;

    public boolean isFinished() {
        return this == COMPLETED || this == CANCELLED;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BackfillState fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}

package dev.gale.api.rest.v1;

import java.time.Instant;

/**
 * The instants the API takes: those PostgreSQL's {@code timestamptz} stores, narrowed to the years 1 to 9999
 * so that every instant also prints back as a plain ISO-8601 text.
 */
final class Instants {
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");
    static final String RANGE = "between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z";

    private Instants() {
    }

    static boolean storable(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }
}

package dev.gale.api.faults;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Tells an error that passes (PostgreSQL restarting, a connection lost, the pool out of connections)
 * from one that does not. Callers answer the first with "retry" (gRPC UNAVAILABLE, HTTP 503) and
 * never as a server bug: the call changed nothing that a retry would not redo.
 */
public final class DatabaseOutage {
    /** SQLSTATE classes and codes PostgreSQL uses for "not now": connection, resources, shutdown, conflicts. */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "53", "57");
    private static final Set<String> TRANSIENT_CODES = Set.of("40001", "40P01");

    /** What a worker or client is told to do, in the words of the answer. */
    public static final String ADVICE = "the database is unreachable for now (restarting, or a connection was lost);"
            + " nothing was recorded: retry with backoff";

    private DatabaseOutage() {
    }

    public static boolean isOutage(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLTransientException || cause instanceof SQLRecoverableException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (TRANSIENT_CODES.contains(sql.getSQLState())
                    || TRANSIENT_CLASSES.contains(sql.getSQLState().substring(0, Math.min(2, sql.getSQLState().length()))))) {
                return true;
            }
        }
        return false;
    }
}

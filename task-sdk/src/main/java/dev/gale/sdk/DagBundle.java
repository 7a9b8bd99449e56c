package dev.gale.sdk;

import java.util.List;

/**
 * A set of DAGs shipped together, found through {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/dev.gale.sdk.DagBundle} of the jar.
 */
public interface DagBundle {
    List<Dag> dags();
}

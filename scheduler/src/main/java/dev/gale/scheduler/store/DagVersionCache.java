package dev.gale.scheduler.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gale.scheduler.service.DagVersion;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * A DAG version's structure is immutable once stored, so each is read from the database at most once per process
 * while it stays among the most used (Caffeine's size-bounded cache: a process serving many DAGs keeps its hot
 * versions). Only its tasks' source lines change in place; another process may show the older lines until the
 * entry is evicted, which nothing but the display depends on.
 */
final class DagVersionCache {
    private static final int MAX_ENTRIES = 1_000;
    private final Cache<Long, DagVersion> byId = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();

    DagVersion get(long id, LongFunction<DagVersion> load) {
        return byId.get(id, key -> load.apply(key));
    }

    /** The versions by id; those not cached are read with one call of {@code loadMissing}. */
    Map<Long, DagVersion> getAll(Collection<Long> ids, Function<Set<? extends Long>, Map<Long, DagVersion>> loadMissing) {
        return byId.getAll(ids, loadMissing);
    }

    /** Forgets a version whose source lines were updated, so that this process shows the new ones. */
    void forget(long id) {
        byId.invalidate(id);
    }
}

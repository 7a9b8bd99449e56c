package dev.gale.scheduler.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gale.scheduler.service.DagVersion;
import java.util.function.LongFunction;

/**
 * DAG versions are immutable once stored, so each is read from the database at most once per process while it
 * stays among the most used (Caffeine's size-bounded cache: a process serving many DAGs keeps its hot versions).
 */
final class DagVersionCache {
    private static final int MAX_ENTRIES = 1_000;
    private final Cache<Long, DagVersion> byId = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();

    DagVersion get(long id, LongFunction<DagVersion> load) {
        return byId.get(id, key -> load.apply(key));
    }
}

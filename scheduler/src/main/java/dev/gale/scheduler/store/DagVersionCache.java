package dev.gale.scheduler.store;

import dev.gale.scheduler.service.DagVersion;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/** DAG versions are immutable once stored, so each is read from the database at most once per process. */
final class DagVersionCache {
    private static final int MAX_ENTRIES = 1_000;
    private final Map<Long, DagVersion> byId = new ConcurrentHashMap<>();

    DagVersion get(long id, LongFunction<DagVersion> load) {
        DagVersion cached = byId.get(id);
        if (cached != null) {
            return cached;
        }
        DagVersion loaded = load.apply(id);
        if (byId.size() >= MAX_ENTRIES) {
            byId.clear();
        }
        byId.put(id, loaded);
        return loaded;
    }
}

package dev.gale.scheduler.service;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Pools bound how many task instances naming them are queued or running at once, across DAGs. Managed
 * at run time (REST, UI) as well as from {@code gale.pools} at start; a resize applies at the next
 * promotion of waiting instances.
 */
public final class Pools {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,250}");

    private final PoolStore store;

    public Pools(PoolStore store) {
        this.store = store;
    }

    public List<PoolView> list() {
        return store.list();
    }

    public Optional<PoolView> find(String name) {
        return store.find(name);
    }

    /** @throws IllegalArgumentException naming what is wrong with the name or the slots */
    public PoolView put(String name, int slots, String description) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a pool name must be 1 to 250 letters, digits, '_', '.' or '-', got '"
                    + name + "'");
        }
        if (slots < 0) {
            throw new IllegalArgumentException("slots must be 0 or more (0 holds every task of the pool), got " + slots);
        }
        return store.put(name, slots, description == null ? "" : description);
    }

    /**
     * @return false when there is no such pool
     * @throws RunStateConflictException when task instances naming the pool wait or run
     */
    public boolean delete(String name) {
        Optional<PoolView> pool = store.find(name);
        if (pool.isEmpty()) {
            return false;
        }
        if (!store.deleteIfIdle(name)) {
            PoolView busy = store.find(name).orElse(pool.get());
            throw new RunStateConflictException("pool '" + name + "' has " + busy.running() + " running, "
                    + busy.queued() + " queued and " + busy.scheduled() + " waiting task instances; resize it to 0"
                    + " to hold them, and delete it once they are done");
        }
        return true;
    }
}

package dev.gale.scheduler.service;

import java.util.List;
import java.util.Optional;

/** The pools and their use. */
public interface PoolStore {
    List<PoolView> list();

    Optional<PoolView> find(String name);

    /** Creates the pool or changes its slots and description. */
    PoolView put(String name, int slots, String description);

    /** Deletes the pool unless task instances naming it are scheduled, queued or running; false when it was busy. */
    boolean deleteIfIdle(String name);
}

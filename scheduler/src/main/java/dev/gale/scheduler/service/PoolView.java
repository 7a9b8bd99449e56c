package dev.gale.scheduler.service;

/**
 * A pool and how it is used now: {@code running} and {@code queued} task instances hold its slots
 * ({@code usedSlots} of them, as a task may take several), {@code scheduled} ones wait for free slots.
 */
public record PoolView(String name, int slots, String description, int running, int queued, int scheduled,
                       int usedSlots) {
    public int openSlots() {
        return Math.max(0, slots - usedSlots);
    }
}

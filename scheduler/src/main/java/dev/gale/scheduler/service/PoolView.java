package dev.gale.scheduler.service;

/**
 * A pool and how it is used now: {@code running} and {@code queued} task instances hold its slots,
 * {@code scheduled} ones wait for a free slot.
 */
public record PoolView(String name, int slots, String description, int running, int queued, int scheduled) {
    public int openSlots() {
        return Math.max(0, slots - running - queued);
    }
}

package dev.gale.scheduler.service;

/** A run created with an Idempotency-Key, and the hash of the request that created it. */
public record KeyedRun(DagRunView run, String requestHash) {
}

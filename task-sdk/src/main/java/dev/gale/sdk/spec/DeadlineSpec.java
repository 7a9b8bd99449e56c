package dev.gale.sdk.spec;

/**
 * A run must finish within {@code withinMs} milliseconds of its logical date ({@code from}
 * {@code logical_date}; a run without one counts from when it was queued) or of when it was queued
 * ({@code queued}); past that, its deadline is missed, once.
 */
public record DeadlineSpec(long withinMs, String from) {
}

package dev.gale.scheduler.service;

import java.time.Instant;

/** One line of a task attempt's log. {@code offset} orders lines and lets readers tail from where they stopped. */
public record TaskLogLine(long offset, int attempt, Instant loggedAt, String stream, String line) {
}

package dev.gale.scheduler.service;

/** A notification claimed for one delivery attempt; {@code attempt} counts this one. JSON fields are raw text. */
public record PendingNotification(long id, String event, String notifierJson, String payloadJson, int attempt) {
}

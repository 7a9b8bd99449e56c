package dev.gale.scheduler.service;

import java.time.Instant;

/** An API token as stored: its name, role and the SHA-256 of the token (hex). */
public record StoredApiToken(String name, String role, String tokenHash, Instant createdAt) {
}

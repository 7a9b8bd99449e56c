package dev.gale.scheduler.service;

import java.time.Instant;

/** An API token as stored: its name, role, the SHA-256 of the token (hex), and when it expires (null: never). */
public record StoredApiToken(String name, String role, String tokenHash, Instant createdAt, Instant expiresAt) {
}

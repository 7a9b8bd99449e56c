package dev.gale.api.security;

import java.time.Instant;

/** A new API token. {@code token} is the secret; it is shown once and only its hash is kept. */
public record IssuedToken(String name, Role role, String token, Instant createdAt, Instant expiresAt) {
}

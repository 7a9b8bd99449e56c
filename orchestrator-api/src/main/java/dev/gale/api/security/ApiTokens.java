package dev.gale.api.security;

import dev.gale.scheduler.service.ApiTokenStore;
import dev.gale.scheduler.service.StoredApiToken;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * Bearer API tokens: 32 random bytes, stored as their SHA-256 (a token has enough entropy that a
 * plain hash cannot be guessed back). Verified tokens are remembered for a short while so that a
 * burst of requests does not read the database once per request; a revoked token therefore keeps
 * working on other replicas for up to {@link #CACHE_TTL}.
 */
public final class ApiTokens {
    private static final Duration CACHE_TTL = Duration.ofSeconds(30);
    private static final String PREFIX = "gale_";
    private static final int CACHE_LIMIT = 10_000;

    private final ApiTokenStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    private record Verified(ApiPrincipal principal, Instant until) {
    }

    public ApiTokens(ApiTokenStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A token that never expires. */
    public IssuedToken create(String name, Role role) {
        return create(name, role, null);
    }

    /** A token that was valid but expired; its holder must ask for a new one. */
    public static final class ExpiredTokenException extends RuntimeException {
        public ExpiredTokenException(String name, Instant expiredAt) {
            super("The API token '" + name + "' expired at " + expiredAt + ". Ask an admin for a new token.");
        }
    }

    /**
     * @param expiresAt when the token stops working; null for never
     * @throws IllegalArgumentException when the name is blank or taken
     */
    public IssuedToken create(String name, Role role, Instant expiresAt) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a token needs a name, such as \"ci\" or \"alice\"");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.instant();
        if (!store.create(new StoredApiToken(name, role.wireName(), hash(token), now, expiresAt))) {
            throw new IllegalArgumentException("a token named '" + name + "' exists already; revoke it first or"
                    + " choose another name");
        }
        return new IssuedToken(name, role, token, now, expiresAt);
    }

    /** Stores a token chosen by the deployment as the admin token, unless an admin token exists already. */
    public boolean bootstrapAdmin(String token) {
        if (store.anyWithRole(Role.ADMIN.wireName())) {
            return false;
        }
        return store.create(new StoredApiToken("admin", Role.ADMIN.wireName(), hash(token), clock.instant(), null));
    }

    public boolean anyAdmin() {
        return store.anyWithRole(Role.ADMIN.wireName());
    }

    /**
     * The principal of a valid token; empty for an unknown or revoked one.
     *
     * @throws ExpiredTokenException when the token is known but past its {@code expiresAt}
     */
    public Optional<ApiPrincipal> authenticate(String token) {
        String hash = hash(token);
        Instant now = clock.instant();
        Verified cached = verified.get(hash);
        if (cached != null && cached.until().isAfter(now)) {
            return Optional.of(cached.principal());
        }
        Optional<StoredApiToken> stored = store.findByHash(hash);
        if (stored.isEmpty()) {
            verified.remove(hash);
            return Optional.empty();
        }
        StoredApiToken found = stored.get();
        if (found.expiresAt() != null && !found.expiresAt().isAfter(now)) {
            verified.remove(hash);
            throw new ExpiredTokenException(found.name(), found.expiresAt());
        }
        ApiPrincipal principal = new ApiPrincipal(found.name(), Role.fromWireName(found.role()));
        if (verified.size() >= CACHE_LIMIT) {
            verified.clear();
        }
        Instant until = now.plus(CACHE_TTL);
        verified.put(hash, new Verified(principal, found.expiresAt() != null && found.expiresAt().isBefore(until)
                ? found.expiresAt() : until));
        return Optional.of(principal);
    }

    public List<StoredApiToken> list() {
        return store.list();
    }

    /** Revokes a token; this replica forgets it at once. */
    public boolean revoke(String name) {
        boolean deleted = store.delete(name);
        verified.values().removeIf(v -> v.principal().tokenName().equals(name));
        return deleted;
    }

    private static String hash(String token) {
        return DigestUtils.sha256Hex(token);
    }
}

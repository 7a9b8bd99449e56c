package dev.gale.api.rest.v1;

import dev.gale.api.security.ApiTokens;
import dev.gale.api.security.IssuedToken;
import dev.gale.api.security.Role;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/tokens}: API tokens, managed by admins. A token's secret is shown once, when it is created. */
@RestController
@RequestMapping("/api/v1/tokens")
class TokenController {
    /** Names that are one safe URL path segment each, so that every token can be revoked by name. */
    private static final Pattern TOKEN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final ApiTokens tokens;
    private final Clock clock;

    TokenController(ApiTokens tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** {@code expiresAt}: an ISO-8601 instant after which the token is refused (401); absent for never. */
    record NewTokenRequest(String name, String role, String expiresAt) {
    }

    record TokenResponse(String name, String role, Instant createdAt, Instant expiresAt) {
    }

    record IssuedTokenResponse(String name, String role, String token, Instant createdAt, Instant expiresAt) {
    }

    record TokenListResponse(List<TokenResponse> tokens) {
    }

    @Operation(summary = "Create an API token", description = "The answer holds the token itself; it is not shown"
            + " again. Roles: viewer (read), operator (trigger, cancel, clear), admin (tokens, pause). With expiresAt"
            + " (an ISO-8601 instant) the token is refused with 401 from then on.")
    @PostMapping
    @RequiresRole(Role.ADMIN)
    @Audited("token.create")
    ResponseEntity<IssuedTokenResponse> create(@RequestBody NewTokenRequest request) {
        List<ApiException.FieldError> errors = new ArrayList<>();
        if (request.name() == null || !TOKEN_NAME.matcher(request.name()).matches()) {
            errors.add(new ApiException.FieldError("name", "is required: 1 to 100 of A-Z a-z 0-9 . _ -, starting with"
                    + " a letter or digit (so that the token can be revoked by DELETE /api/v1/tokens/{name})"));
        }
        Role role = null;
        try {
            role = Role.fromWireName(request.role());
        } catch (IllegalArgumentException e) {
            errors.add(new ApiException.FieldError("role", "must be viewer, operator or admin"));
        }
        Instant expiresAt = expiresAt(request.expiresAt(), errors);
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid-body", errors);
        }
        IssuedToken issued;
        try {
            issued = tokens.create(request.name(), role, expiresAt);
        } catch (IllegalArgumentException e) {
            throw ApiException.conflict("token-exists", e.getMessage());
        }
        return ResponseEntity.created(URI.create("/api/v1/tokens/" + issued.name())).body(new IssuedTokenResponse(
                issued.name(), issued.role().wireName(), issued.token(), issued.createdAt(), issued.expiresAt()));
    }

    @GetMapping
    @RequiresRole(Role.ADMIN)
    TokenListResponse list() {
        return new TokenListResponse(tokens.list().stream()
                .map(t -> new TokenResponse(t.name(), t.role(), t.createdAt(), t.expiresAt())).toList());
    }

    private Instant expiresAt(String value, List<ApiException.FieldError> errors) {
        if (value == null) {
            return null;
        }
        try {
            // PostgreSQL keeps microseconds: the answer shows the instant as stored.
            Instant parsed = Instant.parse(value).truncatedTo(ChronoUnit.MICROS);
            if (!Instants.storable(parsed) || !parsed.isAfter(clock.instant())) {
                errors.add(new ApiException.FieldError("expiresAt", "must be an instant in the future, up to"
                        + " 9999-12-31T23:59:59Z"));
                return null;
            }
            return parsed;
        } catch (DateTimeParseException e) {
            errors.add(new ApiException.FieldError("expiresAt", "must be an ISO-8601 instant such as"
                    + " \"2027-01-31T00:00:00Z\""));
            return null;
        }
    }

    @Operation(summary = "Revoke an API token")
    @DeleteMapping("/{name}")
    @RequiresRole(Role.ADMIN)
    @Audited("token.revoke")
    ResponseEntity<Void> revoke(@PathVariable String name) {
        if (!tokens.revoke(name)) {
            throw ApiException.notFound("unknown-token", "There is no token named '" + name + "'.");
        }
        return ResponseEntity.noContent().build();
    }
}

package dev.gale.api.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gale.scheduler.service.TaskAttempt;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * Signed, short-lived task tokens (JWT, HMAC-SHA256), each scoped to one task instance and attempt.
 * A worker holds one per assignment and sends it with every task-scoped call.
 */
public final class TaskTokens {
    private static final String ISSUER = "gale";

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Clock clock;
    private final Duration ttl;

    /** @param secret shared by every API replica (configured, or kept in the database) */
    public TaskTokens(String secret, Clock clock, Duration ttl) {
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("the task token secret must not be empty");
        }
        byte[] key = sha256(secret);
        try {
            this.signer = new MACSigner(key);
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot set up task token signing", e);
        }
        this.clock = clock;
        this.ttl = ttl;
    }

    public String issue(TaskAttempt attempt) {
        Date now = Date.from(clock.instant());
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(Long.toString(attempt.taskInstanceId()))
                .claim("attempt", attempt.attempt())
                .issueTime(now)
                .expirationTime(Date.from(clock.instant().plus(ttl)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign task token", e);
        }
        return jwt.serialize();
    }

    /** The attempt a token is scoped to. */
    public TaskAttempt verify(String token) throws InvalidTaskTokenException {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!jwt.verify(verifier)) {
                throw new InvalidTaskTokenException("the task token's signature is not valid");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!ISSUER.equals(claims.getIssuer()) || claims.getExpirationTime() == null) {
                throw new InvalidTaskTokenException("the task token was not issued by Gale");
            }
            if (claims.getExpirationTime().toInstant().isBefore(clock.instant())) {
                throw new InvalidTaskTokenException("the task token expired at " + claims.getExpirationTime().toInstant()
                        + "; heartbeats return a fresh one");
            }
            return new TaskAttempt(Long.parseLong(claims.getSubject()), claims.getIntegerClaim("attempt"));
        } catch (ParseException | JOSEException | NumberFormatException | NullPointerException e) {
            throw new InvalidTaskTokenException("the task token is malformed: " + e.getMessage());
        }
    }

    /** A task token that is malformed, forged or expired. */
    public static final class InvalidTaskTokenException extends Exception {
        public InvalidTaskTokenException(String message) {
            super(message);
        }
    }

    private static byte[] sha256(String secret) {
        return DigestUtils.sha256(secret);
    }
}

package dev.gale.api.rest.v1;

import dev.gale.scheduler.service.RunCursor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** Page sizes and cursors as the API takes them: bounded, and refused with a clear 400 when out of bounds. */
final class Paging {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private Paging() {
    }

    static int limit(Integer requested) {
        if (requested == null) {
            return DEFAULT_LIMIT;
        }
        if (requested < 1 || requested > MAX_LIMIT) {
            throw ApiException.badRequest("invalid-page", "limit must be between 1 and " + MAX_LIMIT + ", got "
                    + requested + ". Page through longer lists with the next cursor or offset.");
        }
        return requested;
    }

    static int offset(Integer requested) {
        if (requested != null && requested < 0) {
            throw ApiException.badRequest("invalid-page", "offset must not be negative, got " + requested + ".");
        }
        return requested == null ? 0 : requested;
    }

    /** An opaque cursor for clients; inside, the queue time and id of the last run of a page. */
    static String encode(RunCursor cursor) {
        return cursor == null ? null : Base64.getUrlEncoder().withoutPadding()
                .encodeToString((cursor.queuedAt() + "|" + cursor.id()).getBytes(StandardCharsets.UTF_8));
    }

    static RunCursor decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = plain.indexOf('|');
            Instant queuedAt = Instant.parse(plain.substring(0, bar));
            if (!Instants.storable(queuedAt)) {
                throw new IllegalArgumentException("out of range");
            }
            return new RunCursor(queuedAt, Long.parseLong(plain.substring(bar + 1)));
        } catch (RuntimeException e) {
            throw ApiException.badRequest("invalid-cursor", "cursor '" + cursor + "' is not one this API gave out;"
                    + " pass the nextCursor of the previous page unchanged.");
        }
    }
}

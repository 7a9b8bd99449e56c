package dev.gale.api.rest.v1;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.springframework.http.ResponseEntity;

/** The {@code wait} parameter: an ISO-8601 duration, shortened to the server's maximum with a header saying so. */
final class Waits {
    /** Set when a requested wait was longer than the server allows, to the wait actually used. */
    static final String WAIT_CLAMPED_HEADER = "Gale-Wait-Clamped-To";

    private Waits() {
    }

    static Duration parse(String wait) {
        if (wait == null || wait.isBlank()) {
            return null;
        }
        try {
            Duration duration = Duration.parse(wait);
            if (duration.isNegative()) {
                throw ApiException.badRequest("invalid-wait", "wait must not be negative, got " + wait + ".");
            }
            return duration;
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid-wait", "wait must be an ISO-8601 duration such as PT30S, got '"
                    + wait + "'.");
        }
    }

    static Duration clamp(Duration requested, Duration max) {
        return requested.compareTo(max) > 0 ? max : requested;
    }

    static void sayIfClamped(ResponseEntity.BodyBuilder response, Duration requested, Duration effective) {
        if (!effective.equals(requested)) {
            response.header(WAIT_CLAMPED_HEADER, effective.toString());
        }
    }
}

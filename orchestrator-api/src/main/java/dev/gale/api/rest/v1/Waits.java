package dev.gale.api.rest.v1;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.ResponseEntity;

/** The {@code wait} parameter: a duration, shortened to the server's maximum with a header saying so. */
final class Waits {
    /** Set when a requested wait was longer than the server allows, to the wait actually used. */
    static final String WAIT_CLAMPED_HEADER = "Gale-Wait-Clamped-To";

    private Waits() {
    }

    /** Reads an ISO-8601 duration ({@code PT30S}) or a simple one ({@code 500ms}, {@code 30s}, {@code 5m}). */
    static Duration parse(String wait) {
        if (wait == null || wait.isBlank()) {
            return null;
        }
        Duration duration;
        try {
            duration = DurationStyle.detectAndParse(wait.strip(), ChronoUnit.SECONDS);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-wait", "wait must be a duration such as PT30S or 30s (ms, s, m,"
                    + " h, d), got '" + wait + "'.");
        }
        if (duration.isNegative()) {
            throw ApiException.badRequest("invalid-wait", "wait must not be negative, got " + wait + ".");
        }
        return duration;
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

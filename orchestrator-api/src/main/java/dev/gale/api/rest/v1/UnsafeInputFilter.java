package dev.gale.api.rest.v1;

import dev.gale.api.security.UnsafeText;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, before any handler or the database sees them, request lines no client means: a path with
 * {@code .} or {@code ..} segments (404: Gale does not resolve them, so {@code /actuator/health/../env} is
 * no way around the token check), and a query parameter with a bad {@code %} escape, a NUL or another
 * control character (400 naming the parameter).
 */
public final class UnsafeInputFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String uri = request.getRequestURI();
        if (hasDotSegment(uri)) {
            ProblemWriter.write(response, 404, "not-found", "Not Found", "There is nothing at this path: Gale does not"
                    + " resolve '.' or '..' segments. Send the path without them.", uri);
            return;
        }
        String problem = queryProblem(request.getQueryString());
        if (problem != null) {
            ProblemWriter.write(response, 400, "invalid-query", "Invalid request", problem, uri);
            return;
        }
        String contentType = request.getContentType();
        if (contentType != null && !concrete(contentType)) {
            ProblemWriter.write(response, 415, "unsupported-media-type", "Unsupported Media Type", "Content-Type '"
                    + printable(contentType) + "' is not a media type this API reads; send application/json.", uri);
            return;
        }
        if (uri.startsWith("/api/v1/") && !uri.startsWith("/api/v1/docs") && !uri.startsWith("/api/v1/swagger-ui")
                && !acceptsJson(request.getHeader("Accept"))) {
            // Refused before the handler runs: a trigger must not create a run whose answer cannot be sent.
            ProblemWriter.write(response, 406, "not-acceptable", "Not Acceptable", "This API answers"
                    + " application/json (or text/event-stream for events); Accept '"
                    + printable(request.getHeader("Accept")) + "' allows neither.", uri);
            return;
        }
        chain.doFilter(request, response);
        if (uri.startsWith("/actuator/") && response.getStatus() >= 400 && response.getContentType() == null
                && !response.isCommitted()) {
            // An answer with a status and no body (actuator's unknown health component): still a problem.
            ProblemWriter.write(response, response.getStatus(), "error-" + response.getStatus(), "Error",
                    "The request was refused with status " + response.getStatus() + ".", uri);
        }
    }

    private static boolean acceptsJson(String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        try {
            return MediaType.parseMediaTypes(accept).stream().anyMatch(type -> type.includes(MediaType.APPLICATION_JSON)
                    || type.includes(MediaType.APPLICATION_PROBLEM_JSON) || type.includes(MediaType.TEXT_EVENT_STREAM));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /** A Content-Type that names one media type, as a body's type must (no wildcard, no parse error). */
    private static boolean concrete(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return !type.isWildcardType() && !type.isWildcardSubtype();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private static boolean hasDotSegment(String uri) {
        for (String segment : uri.split("/", -1)) {
            String decoded = segment.replace("%2e", ".").replace("%2E", ".");
            if (decoded.equals(".") || decoded.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** Why the query string cannot be taken as sent, or null when it can. */
    static String queryProblem(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String rawName = equals < 0 ? pair : pair.substring(0, equals);
            String name;
            String value;
            try {
                name = decoded(rawName);
                value = equals < 0 ? "" : decoded(pair.substring(equals + 1));
            } catch (IllegalArgumentException e) {
                return "Query parameter '" + printable(rawName) + "' has a malformed %-escape; encode '%' as %25.";
            } catch (CharacterCodingException e) {
                return "Query parameter '" + printable(rawName) + "' is not UTF-8 once %-decoded; percent-encode the"
                        + " UTF-8 bytes of the text.";
            }
            String nameProblem = UnsafeText.problemInName(name);
            if (nameProblem != null) {
                return "A query parameter name " + nameProblem + ".";
            }
            String valueProblem = UnsafeText.problemInName(value);
            if (valueProblem != null) {
                return "Query parameter '" + name + "' " + valueProblem + ".";
            }
        }
        return null;
    }

    /** Percent-decodes {@code raw} and reads the bytes as UTF-8, refusing what is not UTF-8 (unlike URLDecoder). */
    private static String decoded(String raw) throws CharacterCodingException {
        byte[] bytes = URLDecoder.decode(raw.replace("+", "%20"), StandardCharsets.ISO_8859_1)
                .getBytes(StandardCharsets.ISO_8859_1);
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }

    private static String printable(String raw) {
        String visible = raw.replaceAll("[^\\x20-\\x7e]", "?");
        return visible.length() > 40 ? visible.substring(0, 40) + "..." : visible;
    }
}

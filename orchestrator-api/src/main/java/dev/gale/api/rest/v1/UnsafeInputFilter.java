package dev.gale.api.rest.v1;

import dev.gale.api.security.UnsafeText;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
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
        chain.doFilter(request, response);
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
                name = URLDecoder.decode(rawName, StandardCharsets.UTF_8);
                value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return "Query parameter '" + printable(rawName) + "' has a malformed %-escape; encode '%' as %25.";
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

    private static String printable(String raw) {
        return raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
    }
}

package dev.gale.api.faults;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outermost filter: a request that met a database outage anywhere (the token check of another filter,
 * a controller, a wait) is answered 503 problem+json with {@code Retry-After}. Every write is one
 * transaction, so the request changed nothing and can be sent again.
 */
public final class DatabaseOutageFilter extends OncePerRequestFilter {
    static final String RETRY_AFTER_SECONDS = "5";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (ServletException | RuntimeException e) {
            if (!DatabaseOutage.isOutage(e) || response.isCommitted()) {
                throw e;
            }
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "urn:gale:problem:database-unavailable");
            problem.put("title", "Database unavailable");
            problem.put("status", 503);
            problem.put("detail", "The database is unreachable for now (restarting, or a connection was lost);"
                    + " nothing was changed. Send the same request again in a few seconds.");
            problem.put("instance", request.getRequestURI());
            response.resetBuffer();
            response.setStatus(503);
            response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write(JSON.writeValueAsString(problem));
        }
    }
}

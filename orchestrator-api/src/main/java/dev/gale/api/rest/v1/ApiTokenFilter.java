package dev.gale.api.rest.v1;

import dev.gale.api.security.ApiPrincipal;
import dev.gale.api.security.ApiTokens;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a request to the API or to actuator through only with a valid {@code Authorization: Bearer}
 * token, answering 401 otherwise. Health, the OpenAPI document and its docs page stay open. Which
 * role a handler needs is checked later, by {@link RoleInterceptor}.
 */
public final class ApiTokenFilter extends OncePerRequestFilter {
    static final String PRINCIPAL = ApiPrincipal.class.getName();

    private final ApiTokens tokens;

    public ApiTokenFilter(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        boolean protectedPath = path.startsWith("/api/") || path.startsWith("/actuator");
        boolean open = path.equals("/actuator/health") || path.startsWith("/actuator/health/")
                || path.equals("/api/v1/openapi.json") || path.startsWith("/api/v1/openapi.json/")
                || path.startsWith("/api/v1/docs") || path.startsWith("/api/v1/swagger-ui");
        return !protectedPath || open;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        Optional<ApiPrincipal> principal;
        try {
            principal = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? tokens.authenticate(header.substring(7).trim()) : Optional.empty();
        } catch (ApiTokens.ExpiredTokenException e) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"gale\", error=\"invalid_token\"");
            ProblemWriter.write(response, 401, "token-expired", "Unauthorized", e.getMessage(),
                    request.getRequestURI());
            return;
        }
        if (principal.isEmpty()) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"gale\"");
            ProblemWriter.write(response, 401, "unauthorized", "Unauthorized", header == null
                    ? "This endpoint needs an API token: send 'Authorization: Bearer <token>'. Standalone writes"
                            + " an admin token to $GALE_HOME/admin-token on first start."
                    : "The API token is not valid (unknown or revoked). Ask an admin for a token.",
                    request.getRequestURI());
            return;
        }
        request.setAttribute(PRINCIPAL, principal.get());
        chain.doFilter(request, response);
    }
}

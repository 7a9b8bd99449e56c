package dev.gale.api.rest.v1;

import dev.gale.api.security.ApiPrincipal;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/me}: the name and role of the token a request carries, so the UI offers only what it may do. */
@RestController
class CurrentTokenController {
    record CurrentTokenResponse(String name, String role) {
    }

    @Operation(summary = "The API token this request carries", description = "Its name and role (viewer, operator"
            + " or admin).")
    @GetMapping("/api/v1/me")
    CurrentTokenResponse me(HttpServletRequest request) {
        ApiPrincipal principal = (ApiPrincipal) request.getAttribute(ApiTokenFilter.PRINCIPAL);
        return new CurrentTokenResponse(principal.tokenName(), principal.role().wireName());
    }
}

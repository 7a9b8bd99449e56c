package dev.gale.api.rest.v1;

import dev.gale.api.security.ApiPrincipal;
import dev.gale.api.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/** Refuses with 403 a request whose token lacks the role its handler needs ({@link RequiresRole}). */
public final class RoleInterceptor implements HandlerInterceptor {

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method) || !method.getBeanType().getPackageName()
                .equals(RoleInterceptor.class.getPackageName())) {
            return true;
        }
        RequiresRole annotation = method.getMethodAnnotation(RequiresRole.class);
        Role needed = annotation == null ? Role.VIEWER : annotation.value();
        ApiPrincipal principal = (ApiPrincipal) request.getAttribute(ApiTokenFilter.PRINCIPAL);
        if (principal == null || !principal.role().includes(needed)) {
            throw new ApiException(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", "This needs role "
                    + needed.wireName() + (principal == null ? "" : "; token '" + principal.tokenName() + "' has role "
                    + principal.role().wireName()) + ". Ask an admin for a token with role " + needed.wireName() + ".");
        }
        return true;
    }
}

package dev.gale.api.rest.v1;

import dev.gale.api.security.ApiPrincipal;
import dev.gale.scheduler.service.AuditEntry;
import dev.gale.scheduler.service.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Writes each successful {@link Audited} action to the audit log: who (the token's name), what, and on what
 * (the new resource's {@code Location}, else the request's path). A refused request is not an action.
 */
public final class AuditInterceptor implements HandlerInterceptor {
    private final AuditLog log;
    private final Clock clock;

    public AuditInterceptor(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
                                Exception failure) {
        if (!(handler instanceof HandlerMethod method) || failure != null || response.getStatus() >= 400) {
            return;
        }
        Audited audited = method.getMethodAnnotation(Audited.class);
        ApiPrincipal principal = (ApiPrincipal) request.getAttribute(ApiTokenFilter.PRINCIPAL);
        if (audited == null || principal == null) {
            return;
        }
        String location = response.getHeader("Location");
        log.record(new AuditEntry(clock.instant(), principal.tokenName(), audited.value(),
                location != null ? location : request.getRequestURI()));
    }
}

package dev.gale.api.rest.v1;

import dev.gale.api.security.Role;
import dev.gale.scheduler.service.AuditEntry;
import dev.gale.scheduler.service.AuditLog;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/audit-log}: the admin actions taken (tokens, pause, cancel, clear), newest first. */
@RestController
class AuditController {
    private final AuditLog log;

    AuditController(AuditLog log) {
        this.log = log;
    }

    record AuditLogResponse(List<AuditEntry> entries) {
    }

    @Operation(summary = "Read the audit log", description = "Who created or revoked a token, paused a DAG,"
            + " cancelled or cleared a run, and when; newest first.")
    @GetMapping("/api/v1/audit-log")
    @RequiresRole(Role.ADMIN)
    AuditLogResponse list(@RequestParam(name = "limit", required = false) Integer limit,
                          @RequestParam(name = "offset", required = false) Integer offset) {
        return new AuditLogResponse(log.newest(Paging.limit(limit), Paging.offset(offset)));
    }
}

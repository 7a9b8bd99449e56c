package dev.gale.scheduler.service;

import java.util.List;

/** Where admin actions are written, and read back newest first. */
public interface AuditLog {

    void record(AuditEntry entry);

    List<AuditEntry> newest(int limit, int offset);
}

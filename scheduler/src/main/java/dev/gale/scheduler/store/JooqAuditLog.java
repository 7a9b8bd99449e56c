package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.JooqSchedulerStore.toOffset;
import static dev.gale.scheduler.store.jooq.Tables.AUDIT_LOG;

import dev.gale.scheduler.service.AuditEntry;
import dev.gale.scheduler.service.AuditLog;
import java.util.List;
import org.jooq.DSLContext;

/** The audit log on PostgreSQL, in table {@code audit_log}. */
public final class JooqAuditLog implements AuditLog {
    private final DSLContext dsl;

    public JooqAuditLog(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public void record(AuditEntry entry) {
        dsl.insertInto(AUDIT_LOG)
                .set(AUDIT_LOG.AT, toOffset(entry.at()))
                .set(AUDIT_LOG.ACTOR, entry.actor())
                .set(AUDIT_LOG.ACTION, entry.action())
                .set(AUDIT_LOG.TARGET, entry.target())
                .execute();
    }

    @Override
    public List<AuditEntry> newest(int limit, int offset) {
        return dsl.selectFrom(AUDIT_LOG).orderBy(AUDIT_LOG.ID.desc()).limit(limit).offset(offset)
                .fetch(r -> new AuditEntry(r.getAt().toInstant(), r.getActor(), r.getAction(), r.getTarget()));
    }
}

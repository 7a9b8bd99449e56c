package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.JooqSchedulerStore.toInstant;
import static dev.gale.scheduler.store.JooqSchedulerStore.toOffset;
import static dev.gale.scheduler.store.jooq.Tables.DAG_RUN;
import static dev.gale.scheduler.store.jooq.Tables.NOTIFICATION;
import static dev.gale.scheduler.store.jooq.Tables.RUN_DEADLINE;

import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.service.NotificationOutbox;
import dev.gale.scheduler.service.NotificationView;
import dev.gale.scheduler.service.PendingNotification;
import dev.gale.scheduler.store.jooq.Routines;
import dev.gale.scheduler.store.jooq.tables.records.DagRunRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import tools.jackson.databind.json.JsonMapper;

/** The notification outbox and run deadlines in PostgreSQL ({@code notification}, {@code run_deadline}). */
public final class JooqNotificationOutbox implements NotificationOutbox {
    private static final String PENDING = "pending";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DSLContext dsl;

    public JooqNotificationOutbox(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public List<PendingNotification> claimDue(Instant now, Duration lease, int limit) {
        var due = DSL.select(NOTIFICATION.ID).from(NOTIFICATION).where(NOTIFICATION.STATE.eq(PENDING))
                .and(NOTIFICATION.NEXT_ATTEMPT_AT.isNull().or(NOTIFICATION.NEXT_ATTEMPT_AT.le(toOffset(now))))
                .orderBy(NOTIFICATION.NEXT_ATTEMPT_AT.asc().nullsFirst(), NOTIFICATION.ID).limit(limit)
                .forUpdate().skipLocked();
        return dsl.update(NOTIFICATION)
                .set(NOTIFICATION.ATTEMPTS, NOTIFICATION.ATTEMPTS.plus(1))
                .set(NOTIFICATION.NEXT_ATTEMPT_AT, toOffset(now.plus(lease)))
                .where(NOTIFICATION.ID.in(due))
                .returning(NOTIFICATION.ID, NOTIFICATION.EVENT, NOTIFICATION.NOTIFIER, NOTIFICATION.PAYLOAD,
                        NOTIFICATION.ATTEMPTS)
                .fetch(r -> new PendingNotification(r.getId(), r.getEvent(), r.getNotifier().data(), r.getPayload().data(),
                        r.getAttempts()));
    }

    @Override
    public void delivered(long id, int statusCode, Instant now) {
        dsl.update(NOTIFICATION).set(NOTIFICATION.STATE, "delivered").set(NOTIFICATION.LAST_STATUS_CODE, statusCode)
                .set(NOTIFICATION.DELIVERED_AT, toOffset(now)).setNull(NOTIFICATION.NEXT_ATTEMPT_AT)
                .where(NOTIFICATION.ID.eq(id)).execute();
    }

    @Override
    public void attemptFailed(long id, Integer statusCode, String error, Optional<Instant> retryAt) {
        dsl.update(NOTIFICATION).set(NOTIFICATION.STATE, retryAt.isPresent() ? PENDING : "failed")
                .set(NOTIFICATION.LAST_STATUS_CODE, statusCode).set(NOTIFICATION.LAST_ERROR, error)
                .set(NOTIFICATION.NEXT_ATTEMPT_AT, retryAt.map(JooqSchedulerStore::toOffset).orElse(null))
                .where(NOTIFICATION.ID.eq(id)).execute();
    }

    @Override
    public int recordMissedDeadlines(Instant now) {
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            List<Long> late = db.update(RUN_DEADLINE).set(RUN_DEADLINE.MISSED_AT, toOffset(now))
                    .from(DAG_RUN)
                    .where(DAG_RUN.ID.eq(RUN_DEADLINE.DAG_RUN_ID)).and(RUN_DEADLINE.MISSED_AT.isNull())
                    .and(RUN_DEADLINE.DUE_AT.le(toOffset(now)))
                    .and(DAG_RUN.STATE.in(DagRunState.QUEUED.wireName(), DagRunState.RUNNING.wireName()))
                    .returning(RUN_DEADLINE.DAG_RUN_ID).fetch(RUN_DEADLINE.DAG_RUN_ID);
            // The function the run-ended trigger uses, so that both events carry the same payload.
            for (DagRunRecord run : db.selectFrom(DAG_RUN).where(DAG_RUN.ID.in(late)).fetch()) {
                Routines.enqueueRunNotifications(db.configuration(), run, "deadline_missed");
            }
            return late.size();
        });
    }

    @Override
    public List<NotificationView> forRun(String dagId, String runId) {
        return dsl.select(NOTIFICATION.asterisk()).from(NOTIFICATION).join(DAG_RUN)
                .on(DAG_RUN.ID.eq(NOTIFICATION.DAG_RUN_ID))
                .where(DAG_RUN.DAG_ID.eq(dagId)).and(DAG_RUN.RUN_ID.eq(runId)).orderBy(NOTIFICATION.ID)
                .fetchInto(NOTIFICATION)
                .map(n -> new NotificationView(n.getId(), n.getEvent(), text(n.getNotifier().data(), "kind"),
                        target(n.getNotifier().data()), n.getState(), n.getAttempts(), n.getLastStatusCode(),
                        n.getLastError(), toInstant(n.getCreatedAt()), toInstant(n.getDeliveredAt()),
                        toInstant(n.getNextAttemptAt())));
    }

    @Override
    public Optional<RunDeadline> deadline(String dagId, String runId) {
        return dsl.select(RUN_DEADLINE.DUE_AT, RUN_DEADLINE.MISSED_AT).from(RUN_DEADLINE).join(DAG_RUN)
                .on(DAG_RUN.ID.eq(RUN_DEADLINE.DAG_RUN_ID))
                .where(DAG_RUN.DAG_ID.eq(dagId)).and(DAG_RUN.RUN_ID.eq(runId))
                .fetchOptional(r -> new RunDeadline(toInstant(r.value1()), toInstant(r.value2())));
    }

    @Override
    public Map<String, MissedDeadlines> missedDeadlines(List<String> dagIds) {
        var latestRun = DSL.arrayAgg(DAG_RUN.RUN_ID).orderBy(RUN_DEADLINE.MISSED_AT.desc());
        Map<String, MissedDeadlines> missed = new HashMap<>();
        dsl.select(DAG_RUN.DAG_ID, DSL.count(), latestRun, DSL.max(RUN_DEADLINE.MISSED_AT)).from(RUN_DEADLINE)
                .join(DAG_RUN).on(DAG_RUN.ID.eq(RUN_DEADLINE.DAG_RUN_ID))
                .where(DAG_RUN.DAG_ID.in(dagIds)).and(RUN_DEADLINE.MISSED_AT.isNotNull())
                .groupBy(DAG_RUN.DAG_ID)
                .forEach(r -> missed.put(r.value1(), new MissedDeadlines(r.value2(), r.value3()[0],
                        toInstant(r.value4()))));
        return missed;
    }

    /** Where a notification goes: a webhook's URL, an email's {@code mailto:} addresses. */
    private static String target(String notifierJson) {
        var notifier = JSON.readTree(notifierJson);
        if (notifier.has("to")) {
            StringBuilder to = new StringBuilder("mailto:");
            notifier.get("to").forEach(a -> to.append(to.length() > 7 ? "," : "").append(a.asString()));
            return to.toString();
        }
        return notifier.path("url").asString(null);
    }

    private static String text(String json, String field) {
        return JSON.readTree(json).path(field).asString(null);
    }
}

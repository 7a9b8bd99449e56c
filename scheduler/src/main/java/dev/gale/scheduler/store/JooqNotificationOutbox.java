package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.JooqSchedulerStore.toInstant;
import static dev.gale.scheduler.store.JooqSchedulerStore.toOffset;
import static dev.gale.scheduler.store.jooq.Tables.DAG_RUN;
import static dev.gale.scheduler.store.jooq.Tables.NOTIFICATION;
import static dev.gale.scheduler.store.jooq.Tables.DAG_VERSION;
import static dev.gale.scheduler.store.jooq.Tables.RUN_DEADLINE;
import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;
import static dev.gale.scheduler.store.jooq.Tables.WORKER;

import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.ClaimedRunCallback;
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
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import tools.jackson.databind.json.JsonMapper;

/** The notification outbox and run deadlines in PostgreSQL ({@code notification}, {@code run_deadline}). */
public final class JooqNotificationOutbox implements NotificationOutbox {
    private static final String PENDING = "pending";
    /** The notifier kind of a DAG's run callbacks (dev.gale.sdk.RunCallbacks); its url is "queue:<name>". */
    private static final String RUN_CALLBACK = "callback";
    private static final Field<String> KIND = DSL.field("{0} ->> 'kind'", String.class, NOTIFICATION.NOTIFIER);
    private static final Field<String> TARGET = DSL.field("{0} ->> 'url'", String.class, NOTIFICATION.NOTIFIER);
    private static final Field<String> DAG_OF_PAYLOAD = DSL.field("{0} ->> 'dagId'", String.class, NOTIFICATION.PAYLOAD);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DSLContext dsl;

    public JooqNotificationOutbox(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public List<PendingNotification> claimDue(Instant now, Duration lease, int limit) {
        var due = DSL.select(NOTIFICATION.ID).from(NOTIFICATION).where(NOTIFICATION.STATE.eq(PENDING))
                .and(NOTIFICATION.NEXT_ATTEMPT_AT.isNull().or(NOTIFICATION.NEXT_ATTEMPT_AT.le(toOffset(now))))
                .and(KIND.isDistinctFrom(RUN_CALLBACK))
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
    public List<ClaimedRunCallback> claimRunCallbacks(String workerId, List<String> dagIds, Instant now, Duration lease,
                                                      int limit) {
        var targets = DSL.select(DSL.field("'queue:' || unnest({0})", String.class, WORKER.QUEUES)).from(WORKER)
                .where(WORKER.WORKER_ID.eq(workerId));
        var due = DSL.select(NOTIFICATION.ID).from(NOTIFICATION).where(NOTIFICATION.STATE.eq(PENDING))
                .and(NOTIFICATION.NEXT_ATTEMPT_AT.isNull().or(NOTIFICATION.NEXT_ATTEMPT_AT.le(toOffset(now))))
                .and(KIND.eq(RUN_CALLBACK)).and(TARGET.in(targets))
                .and(dagIds.isEmpty() ? DSL.noCondition() : DAG_OF_PAYLOAD.in(dagIds))
                .orderBy(NOTIFICATION.NEXT_ATTEMPT_AT.asc().nullsFirst(), NOTIFICATION.ID).limit(limit)
                .forUpdate().skipLocked();
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            var claimed = db.update(NOTIFICATION)
                    .set(NOTIFICATION.ATTEMPTS, NOTIFICATION.ATTEMPTS.plus(1))
                    .set(NOTIFICATION.NEXT_ATTEMPT_AT, toOffset(now.plus(lease)))
                    .where(NOTIFICATION.ID.in(due))
                    .returning(NOTIFICATION.ID, NOTIFICATION.EVENT, NOTIFICATION.DAG_RUN_ID, NOTIFICATION.PAYLOAD,
                            NOTIFICATION.ATTEMPTS)
                    .fetch();
            return claimed.stream().sorted(java.util.Comparator.comparing(r -> r.getId()))
                    .map(n -> runCallback(db, n.getId(), n.getAttempts(), n.getEvent(), n.getDagRunId(),
                            n.getPayload().data()))
                    .toList();
        });
    }

    /** The run as its callback sees it: the state and error of when the event was recorded, the failed tasks of now. */
    private static ClaimedRunCallback runCallback(DSLContext db, long id, int attempt, String event, long dagRunId,
                                                  String payloadJson) {
        var payload = JSON.readTree(payloadJson);
        var run = db.select(DAG_RUN.DAG_ID, DAG_RUN.RUN_ID, DAG_RUN.PARAMS, DAG_RUN.LOGICAL_DATE, DAG_VERSION.HASH)
                .from(DAG_RUN).join(DAG_VERSION).on(DAG_VERSION.ID.eq(DAG_RUN.DAG_VERSION_ID))
                .where(DAG_RUN.ID.eq(dagRunId)).fetchSingle();
        var failed = db.select(TASK_INSTANCE.TASK_ID, TASK_INSTANCE.MAP_INDEX, TASK_INSTANCE.ERROR).from(TASK_INSTANCE)
                .where(TASK_INSTANCE.DAG_RUN_ID.eq(dagRunId))
                .and(TASK_INSTANCE.STATE.eq(TaskInstanceState.FAILED.wireName()))
                .orderBy(TASK_INSTANCE.TASK_ID, TASK_INSTANCE.MAP_INDEX)
                .fetch(t -> new ClaimedRunCallback.FailedTask(t.value1(), t.value2(), t.value3()));
        return new ClaimedRunCallback(id, attempt, event, run.value1(), run.value2(), run.value5(),
                payload.path("state").asString(""), payload.path("error").isString()
                        ? payload.get("error").asString() : null,
                run.value3() == null ? "{}" : run.value3().data(), toInstant(run.value4()), failed);
    }

    @Override
    public boolean runCallbackDelivered(long id, int attempt, Instant now) {
        return dsl.update(NOTIFICATION).set(NOTIFICATION.STATE, "delivered").setNull(NOTIFICATION.LAST_STATUS_CODE)
                .set(NOTIFICATION.DELIVERED_AT, toOffset(now)).setNull(NOTIFICATION.NEXT_ATTEMPT_AT)
                .where(currentClaim(id, attempt)).execute() == 1;
    }

    @Override
    public boolean runCallbackFailed(long id, int attempt, String error, Optional<Instant> retryAt) {
        return dsl.update(NOTIFICATION).set(NOTIFICATION.STATE, retryAt.isPresent() ? PENDING : "failed")
                .setNull(NOTIFICATION.LAST_STATUS_CODE).set(NOTIFICATION.LAST_ERROR, error)
                .set(NOTIFICATION.NEXT_ATTEMPT_AT, retryAt.map(JooqSchedulerStore::toOffset).orElse(null))
                .where(currentClaim(id, attempt)).execute() == 1;
    }

    /** A report counts only for the latest claim, and only while it is pending: a lapsed claim was handed out again. */
    private static Condition currentClaim(long id, int attempt) {
        return NOTIFICATION.ID.eq(id).and(NOTIFICATION.ATTEMPTS.eq(attempt)).and(NOTIFICATION.STATE.eq(PENDING));
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

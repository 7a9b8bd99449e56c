package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;
import static dev.gale.scheduler.store.jooq.Tables.WORKER;

import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.WorkerRegistration;
import dev.gale.scheduler.service.WorkerView;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.impl.DSL;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The worker table: which workers are connected, what they offer, and what their running attempts hold. */
final class JooqWorkers {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String RUNNING = TaskInstanceState.RUNNING.wireName();

    private JooqWorkers() {
    }

    static void upsert(DSLContext db, WorkerRegistration worker) {
        OffsetDateTime at = worker.registeredAt().atOffset(ZoneOffset.UTC);
        db.insertInto(WORKER)
                .set(WORKER.WORKER_ID, worker.workerId())
                .set(WORKER.HOSTNAME, worker.hostname())
                .set(WORKER.QUEUES, worker.queues().toArray(String[]::new))
                .set(WORKER.CAPABILITIES, JSONB.valueOf(worker.capabilitiesJson()))
                .set(WORKER.SOFTWARE_VERSION, worker.softwareVersion())
                .set(WORKER.REGISTERED_AT, at)
                .set(WORKER.LAST_HEARTBEAT_AT, at)
                .set(WORKER.INCARNATION, worker.incarnation())
                .onConflict(WORKER.WORKER_ID).doUpdate()
                .set(WORKER.HOSTNAME, worker.hostname())
                .set(WORKER.QUEUES, worker.queues().toArray(String[]::new))
                .set(WORKER.CAPABILITIES, JSONB.valueOf(worker.capabilitiesJson()))
                .set(WORKER.SOFTWARE_VERSION, worker.softwareVersion())
                .set(WORKER.REGISTERED_AT, at)
                .set(WORKER.LAST_HEARTBEAT_AT, at)
                .set(WORKER.DISCONNECTED_AT, (OffsetDateTime) null)
                .set(WORKER.INCARNATION, worker.incarnation())
                .execute();
    }

    static Optional<WorkerView> find(DSLContext db, String workerId) {
        return db.select(WORKER.asterisk()).from(WORKER).where(WORKER.WORKER_ID.eq(workerId))
                .fetchOptional(r -> toView(r, 0, 0));
    }

    static void seen(DSLContext db, List<String> workerIds, Instant now) {
        db.update(WORKER).set(WORKER.LAST_HEARTBEAT_AT, now.atOffset(ZoneOffset.UTC))
                .where(WORKER.WORKER_ID.in(workerIds)).execute();
    }

    static void disconnected(DSLContext db, String workerId, Instant now) {
        db.update(WORKER).set(WORKER.DISCONNECTED_AT, now.atOffset(ZoneOffset.UTC))
                .where(WORKER.WORKER_ID.eq(workerId)).execute();
    }

    static List<WorkerView> connected(DSLContext db, Instant seenSince) {
        Field<Integer> slotsInUse = DSL.field(DSL.selectCount().from(TASK_INSTANCE)
                .where(TASK_INSTANCE.STATE.eq(RUNNING), TASK_INSTANCE.WORKER_ID.eq(WORKER.WORKER_ID)))
                .as("slots_in_use");
        Field<Integer> gpusInUse = DSL.field(DSL.select(DSL.coalesce(DSL.sum(TASK_INSTANCE.GPU_COUNT),
                                DSL.inline(java.math.BigDecimal.ZERO)).cast(Integer.class)).from(TASK_INSTANCE)
                        .where(TASK_INSTANCE.STATE.eq(RUNNING), TASK_INSTANCE.WORKER_ID.eq(WORKER.WORKER_ID),
                                TASK_INSTANCE.GPU_COUNT.gt(0)))
                .as("gpus_in_use");
        return db.select(WORKER.asterisk(), slotsInUse, gpusInUse).from(WORKER)
                .where(WORKER.DISCONNECTED_AT.isNull(),
                        WORKER.LAST_HEARTBEAT_AT.ge(seenSince.atOffset(ZoneOffset.UTC)))
                .orderBy(WORKER.WORKER_ID)
                .fetch(r -> toView(r, r.get(slotsInUse), r.get(gpusInUse)));
    }

    private static WorkerView toView(Record r, Integer slotsInUse, Integer gpusInUse) {
        JsonNode caps = JSON.readTree(r.get(WORKER.CAPABILITIES).data());
        Map<String, String> labels = new LinkedHashMap<>();
        JsonNode labelNode = caps.path("labels");
        labelNode.propertyNames().forEach(name -> labels.put(name, labelNode.get(name).asString()));
        List<String> taskKinds = new ArrayList<>();
        caps.path("taskKinds").forEach(kind -> taskKinds.add(kind.asString()));
        return new WorkerView(r.get(WORKER.WORKER_ID), r.get(WORKER.HOSTNAME), Arrays.asList(r.get(WORKER.QUEUES)),
                caps.path("slots").asInt(), caps.path("memoryMb").asLong(), caps.path("gpuCount").asInt(),
                caps.path("gpuModel").asString(""), caps.path("gpuMemoryMb").asLong(),
                caps.path("takesCpuTasks").asBoolean(false), labels, r.get(WORKER.SOFTWARE_VERSION),
                instant(r.get(WORKER.REGISTERED_AT)), instant(r.get(WORKER.LAST_HEARTBEAT_AT)),
                slotsInUse == null ? 0 : slotsInUse, gpusInUse == null ? 0 : gpusInUse, taskKinds);
    }

    private static Instant instant(OffsetDateTime time) {
        return time.toInstant();
    }
}

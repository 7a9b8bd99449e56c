package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;
import static dev.gale.scheduler.store.jooq.Tables.WORKER;

import dev.gale.scheduler.engine.KindPlacement;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.engine.WorkerOffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The task-kind side of routing: a worker claims only instances of the kinds it runs, and a queued
 * instance of another kind than {@code java} that no connected worker on its queue runs carries a
 * waiting reason saying so (GPU tasks have theirs from the GPU review). Unlike a GPU wait it is not
 * failed after a timeout: a Python worker that restarts is back in seconds.
 */
final class KindRouting {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String JAVA = "java";

    private KindRouting() {
    }

    static Condition runsKind(WorkerOffer worker) {
        return TASK_INSTANCE.TASK_KIND.in(worker.taskKinds());
    }

    static void reviewWaits(DSLContext db, Instant seenSince, Instant now) {
        String queued = TaskInstanceState.QUEUED.wireName();
        var waiting = db.select(TASK_INSTANCE.ID, TASK_INSTANCE.QUEUE, TASK_INSTANCE.TASK_KIND,
                        TASK_INSTANCE.WAITING_REASON)
                .from(TASK_INSTANCE)
                .where(TASK_INSTANCE.STATE.eq(queued), TASK_INSTANCE.TASK_KIND.ne(JAVA), TASK_INSTANCE.GPU_COUNT.eq(0))
                .limit(1_000)
                .fetch();
        if (waiting.isEmpty()) {
            return;
        }
        List<WorkerOffer> connected = connected(db, seenSince);
        for (var r : waiting) {
            Optional<String> reason = KindPlacement.unplaceable(r.value2(), r.value3(), connected);
            if (reason.orElse("").equals(r.value4() == null ? "" : r.value4())) {
                continue;
            }
            var update = db.update(TASK_INSTANCE).set(TASK_INSTANCE.WAITING_REASON, reason.orElse(null));
            if (reason.isEmpty()) {
                update = update.set(TASK_INSTANCE.WAITING_SINCE, (OffsetDateTime) null);
            } else if (r.value4() == null) {
                update = update.set(TASK_INSTANCE.WAITING_SINCE, now.atOffset(ZoneOffset.UTC));
            }
            update.where(TASK_INSTANCE.ID.eq(r.value1()), TASK_INSTANCE.STATE.eq(queued)).execute();
        }
    }

    private static List<WorkerOffer> connected(DSLContext db, Instant seenSince) {
        List<WorkerOffer> offers = new ArrayList<>();
        db.select(WORKER.WORKER_ID, WORKER.QUEUES, WORKER.CAPABILITIES).from(WORKER)
                .where(WORKER.DISCONNECTED_AT.isNull(), WORKER.LAST_HEARTBEAT_AT.ge(seenSince.atOffset(ZoneOffset.UTC)))
                .forEach(r -> {
                    List<String> kinds = new ArrayList<>();
                    JSON.readTree(r.value3().data()).path("taskKinds").forEach(k -> kinds.add(k.asString()));
                    offers.add(new WorkerOffer(r.value1(), Arrays.asList(r.value2()), 0, 0, true, kinds));
                });
        return offers;
    }
}

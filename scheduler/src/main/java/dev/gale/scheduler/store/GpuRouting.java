package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;

import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.engine.WorkerOffer;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The capability side of a claim, kept apart from the claim statement itself: which queued task
 * instances fit a worker, and how many of its GPUs its running attempts leave free. Each GPU runs
 * one attempt at a time; a task's {@code gpu_memory_mb} is the least memory each of its GPUs must have.
 */
final class GpuRouting {
    static final Condition NEEDS_NO_GPU = TASK_INSTANCE.GPU_COUNT.eq(0);

    private GpuRouting() {
    }

    /** Tasks that need GPUs, no more than {@code freeGpus}, each no larger than the worker's. */
    static Condition fitsFreeGpus(WorkerOffer worker, int freeGpus) {
        return TASK_INSTANCE.GPU_COUNT.between(1, freeGpus).and(TASK_INSTANCE.GPU_MEMORY_MB.le(worker.gpuMemoryMb()));
    }

    /** The worker's GPUs not held by its running attempts. */
    static int freeGpus(DSLContext db, WorkerOffer worker) {
        if (!worker.hasGpus()) {
            return 0;
        }
        Integer held = db.select(DSL.coalesce(DSL.sum(TASK_INSTANCE.GPU_COUNT), DSL.inline(java.math.BigDecimal.ZERO)))
                .from(TASK_INSTANCE)
                .where(TASK_INSTANCE.STATE.eq(TaskInstanceState.RUNNING.wireName()),
                        TASK_INSTANCE.WORKER_ID.eq(worker.workerId()), TASK_INSTANCE.GPU_COUNT.gt(0))
                .fetchOne(0, Integer.class);
        return Math.max(0, worker.gpuCount() - (held == null ? 0 : held));
    }
}

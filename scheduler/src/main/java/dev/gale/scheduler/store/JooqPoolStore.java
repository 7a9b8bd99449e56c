package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.jooq.Tables.POOL;
import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;

import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.PoolStore;
import dev.gale.scheduler.service.PoolView;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** Pools in PostgreSQL, with their use counted from the task instances that name them. */
public final class JooqPoolStore implements PoolStore {
    private static final List<String> BUSY = List.of(TaskInstanceState.SCHEDULED.wireName(),
            TaskInstanceState.QUEUED.wireName(), TaskInstanceState.RUNNING.wireName());

    private final DSLContext dsl;

    public JooqPoolStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    private static Field<Integer> count(TaskInstanceState state) {
        return DSL.field(DSL.selectCount().from(TASK_INSTANCE).where(TASK_INSTANCE.POOL.eq(POOL.NAME))
                .and(TASK_INSTANCE.STATE.eq(state.wireName())));
    }

    private List<PoolView> select(Condition where) {
        Field<Integer> running = count(TaskInstanceState.RUNNING);
        Field<Integer> queued = count(TaskInstanceState.QUEUED);
        Field<Integer> scheduled = count(TaskInstanceState.SCHEDULED);
        Field<Integer> usedSlots = DSL.field(DSL.select(DSL.coalesce(DSL.sum(TASK_INSTANCE.POOL_SLOTS), BigDecimal.ZERO)
                .cast(Integer.class)).from(TASK_INSTANCE).where(TASK_INSTANCE.POOL.eq(POOL.NAME))
                .and(TASK_INSTANCE.STATE.in(TaskInstanceState.RUNNING.wireName(), TaskInstanceState.QUEUED.wireName())));
        return dsl.select(POOL.NAME, POOL.SLOTS, POOL.DESCRIPTION, running, queued, scheduled, usedSlots).from(POOL)
                .where(where).orderBy(POOL.NAME)
                .fetch((Record r) -> new PoolView(r.get(POOL.NAME), r.get(POOL.SLOTS), r.get(POOL.DESCRIPTION),
                        r.get(running), r.get(queued), r.get(scheduled), r.get(usedSlots)));
    }

    @Override
    public List<PoolView> list() {
        return select(DSL.noCondition());
    }

    @Override
    public Optional<PoolView> find(String name) {
        return select(POOL.NAME.eq(name)).stream().findFirst();
    }

    @Override
    public PoolView put(String name, int slots, String description) {
        dsl.insertInto(POOL, POOL.NAME, POOL.SLOTS, POOL.DESCRIPTION).values(name, slots, description)
                .onConflict(POOL.NAME).doUpdate().set(POOL.SLOTS, slots).set(POOL.DESCRIPTION, description).execute();
        return find(name).orElseThrow();
    }

    @Override
    public boolean deleteIfIdle(String name) {
        return dsl.deleteFrom(POOL).where(POOL.NAME.eq(name))
                .andNotExists(DSL.selectOne().from(TASK_INSTANCE).where(TASK_INSTANCE.POOL.eq(name))
                        .and(TASK_INSTANCE.STATE.in(BUSY))).execute() == 1;
    }
}

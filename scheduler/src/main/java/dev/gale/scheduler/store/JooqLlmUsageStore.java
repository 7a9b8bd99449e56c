package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.JooqSchedulerStore.toOffset;
import static dev.gale.scheduler.store.jooq.Tables.DAG_RUN;
import static dev.gale.scheduler.store.jooq.Tables.LLM_CALL;
import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;

import dev.gale.scheduler.service.LlmCallRecord;
import dev.gale.scheduler.service.LlmUsageStore;
import dev.gale.scheduler.service.TaskAttempt;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Model calls on PostgreSQL, in table {@code llm_call}. */
public final class JooqLlmUsageStore implements LlmUsageStore {
    private final DSLContext dsl;

    public JooqLlmUsageStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public void record(TaskAttempt attempt, LlmCallRecord call) {
        dsl.insertInto(LLM_CALL)
                .set(LLM_CALL.TASK_INSTANCE_ID, attempt.taskInstanceId())
                .set(LLM_CALL.ATTEMPT, attempt.attempt())
                .set(LLM_CALL.PROVIDER, call.provider())
                .set(LLM_CALL.MODEL, call.model())
                .set(LLM_CALL.INPUT_TOKENS, call.inputTokens())
                .set(LLM_CALL.OUTPUT_TOKENS, call.outputTokens())
                .set(LLM_CALL.COST_MICRO_USD, call.costMicroUsd())
                .set(LLM_CALL.LATENCY_MS, call.latencyMs())
                .set(LLM_CALL.OUTCOME, call.outcome())
                .set(LLM_CALL.CHOICE_REASONS, call.choiceReasons())
                .set(LLM_CALL.CALL_HASH, call.callHash())
                .set(LLM_CALL.RESPONSE_JSON, call.responseJson())
                .set(LLM_CALL.ERROR, call.error())
                .set(LLM_CALL.RECORDED_AT, toOffset(call.recordedAt()))
                .set(LLM_CALL.DEVICE, call.device())
                .execute();
    }

    @Override
    public Optional<String> replay(TaskAttempt attempt, String callHash) {
        return dsl.select(LLM_CALL.RESPONSE_JSON).from(LLM_CALL)
                .where(LLM_CALL.TASK_INSTANCE_ID.eq(attempt.taskInstanceId()))
                .and(LLM_CALL.CALL_HASH.eq(callHash))
                .and(LLM_CALL.ATTEMPT.lt(attempt.attempt()))
                .and(LLM_CALL.OUTCOME.eq("success"))
                .orderBy(LLM_CALL.ID.desc())
                .limit(1)
                .fetchOptional(LLM_CALL.RESPONSE_JSON);
    }

    @Override
    public long runSpentMicroUsd(TaskAttempt attempt) {
        var runOfAttempt = DSL.select(TASK_INSTANCE.DAG_RUN_ID).from(TASK_INSTANCE)
                .where(TASK_INSTANCE.ID.eq(attempt.taskInstanceId()));
        Long spent = dsl.select(DSL.sum(LLM_CALL.COST_MICRO_USD).cast(Long.class))
                .from(LLM_CALL).join(TASK_INSTANCE).on(TASK_INSTANCE.ID.eq(LLM_CALL.TASK_INSTANCE_ID))
                .where(TASK_INSTANCE.DAG_RUN_ID.eq(runOfAttempt))
                .fetchOne(0, Long.class);
        return spent == null ? 0 : spent;
    }

    @Override
    public List<LlmCallRecord> callsOfRun(String runId) {
        return dsl.select(TASK_INSTANCE.TASK_ID, TASK_INSTANCE.MAP_INDEX, LLM_CALL.asterisk())
                .from(LLM_CALL)
                .join(TASK_INSTANCE).on(TASK_INSTANCE.ID.eq(LLM_CALL.TASK_INSTANCE_ID))
                .join(DAG_RUN).on(DAG_RUN.ID.eq(TASK_INSTANCE.DAG_RUN_ID))
                .where(DAG_RUN.RUN_ID.eq(runId))
                .orderBy(LLM_CALL.ID)
                .fetch(r -> new LlmCallRecord(r.get(TASK_INSTANCE.TASK_ID), r.get(TASK_INSTANCE.MAP_INDEX),
                        r.get(LLM_CALL.ATTEMPT), r.get(LLM_CALL.PROVIDER), r.get(LLM_CALL.MODEL),
                        r.get(LLM_CALL.INPUT_TOKENS), r.get(LLM_CALL.OUTPUT_TOKENS), r.get(LLM_CALL.COST_MICRO_USD),
                        r.get(LLM_CALL.LATENCY_MS), r.get(LLM_CALL.OUTCOME), r.get(LLM_CALL.CHOICE_REASONS),
                        r.get(LLM_CALL.CALL_HASH), r.get(LLM_CALL.RESPONSE_JSON), r.get(LLM_CALL.ERROR),
                        r.get(LLM_CALL.RECORDED_AT).toInstant(), r.get(LLM_CALL.DEVICE)));
    }
}

package dev.gale.scheduler.store;

import static dev.gale.scheduler.store.JooqSchedulerStore.toInstant;
import static dev.gale.scheduler.store.jooq.Tables.DAG_RUN;
import static dev.gale.scheduler.store.jooq.Tables.TASK_INSTANCE;
import static dev.gale.scheduler.store.jooq.Tables.TASK_TRIGGER;
import static dev.gale.scheduler.store.jooq.Tables.XCOM;

import dev.gale.scheduler.service.HumanRequestQuery;
import dev.gale.scheduler.service.HumanRequestStore;
import dev.gale.scheduler.service.HumanRequestView;
import dev.gale.sdk.HumanRequest;
import dev.gale.sdk.spec.ParamSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Human requests as the {@code human} rows of {@code task_trigger}, with their task instance and run. */
public final class JooqHumanRequests implements HumanRequestStore {
    // A form field's secret flag is left out of the spec while false, as in a DAG's params.
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();
    private static final String RETURN_VALUE = RunDecisions.RETURN_VALUE;

    private final DSLContext dsl;

    public JooqHumanRequests(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public List<HumanRequestView> list(HumanRequestQuery query) {
        List<Condition> where = new ArrayList<>();
        where.add(TASK_TRIGGER.KIND.eq(HumanRequest.TRIGGER_KIND));
        if (query.state() != null) {
            where.add(switch (query.state()) {
                case HumanRequestView.PENDING -> TASK_TRIGGER.FIRED_AT.isNull().and(TASK_TRIGGER.DISARMED_AT.isNull());
                case HumanRequestView.DECIDED -> TASK_TRIGGER.FIRED_AT.isNotNull();
                default -> TASK_TRIGGER.FIRED_AT.isNull().and(TASK_TRIGGER.DISARMED_AT.isNotNull());
            });
        }
        if (query.dagId() != null) {
            where.add(DAG_RUN.DAG_ID.eq(query.dagId()));
        }
        if (query.assigneeRole() != null) {
            where.add(DSL.jsonbGetAttributeAsText(TASK_TRIGGER.SPEC, "assigneeRole").eq(query.assigneeRole()));
        }
        return select().where(where).orderBy(TASK_TRIGGER.ARMED_AT.desc(), TASK_TRIGGER.ID.desc())
                .limit(query.limit()).offset(query.offset())
                .fetch(JooqHumanRequests::toView);
    }

    @Override
    public Optional<HumanRequestView> find(long requestId) {
        return select().where(TASK_TRIGGER.ID.eq(requestId), TASK_TRIGGER.KIND.eq(HumanRequest.TRIGGER_KIND))
                .fetchOptional(JooqHumanRequests::toView);
    }

    @Override
    public Map<String, String> outputs(long requestId, List<String> taskIds) {
        Long runId = dsl.select(TASK_INSTANCE.DAG_RUN_ID).from(TASK_TRIGGER)
                .join(TASK_INSTANCE).on(TASK_INSTANCE.ID.eq(TASK_TRIGGER.TASK_INSTANCE_ID))
                .where(TASK_TRIGGER.ID.eq(requestId)).fetchOne(TASK_INSTANCE.DAG_RUN_ID);
        Map<String, List<String>> byTask = new LinkedHashMap<>();
        Map<String, Boolean> mapped = new LinkedHashMap<>();
        if (runId != null) {
            dsl.select(TASK_INSTANCE.TASK_ID, TASK_INSTANCE.MAP_INDEX, XCOM.VALUE).from(XCOM)
                    .join(TASK_INSTANCE).on(TASK_INSTANCE.ID.eq(XCOM.TASK_INSTANCE_ID))
                    .where(TASK_INSTANCE.DAG_RUN_ID.eq(runId), TASK_INSTANCE.TASK_ID.in(taskIds),
                            XCOM.KEY.eq(RETURN_VALUE))
                    .orderBy(TASK_INSTANCE.TASK_ID, TASK_INSTANCE.MAP_INDEX)
                    .forEach(r -> {
                        byTask.computeIfAbsent(r.value1(), k -> new ArrayList<>()).add(r.value3().data());
                        mapped.put(r.value1(), r.value2() >= 0);
                    });
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        for (String taskId : taskIds) {
            List<String> values = byTask.get(taskId);
            if (values != null) {
                outputs.put(taskId, mapped.get(taskId) ? "[" + String.join(",", values) + "]" : values.getFirst());
            }
        }
        return outputs;
    }

    private org.jooq.SelectOnConditionStep<Record> select() {
        return dsl.select(TASK_TRIGGER.fields()).select(DAG_RUN.DAG_ID, DAG_RUN.RUN_ID, TASK_INSTANCE.TASK_ID,
                        TASK_INSTANCE.MAP_INDEX)
                .from(TASK_TRIGGER)
                .join(TASK_INSTANCE).on(TASK_INSTANCE.ID.eq(TASK_TRIGGER.TASK_INSTANCE_ID))
                .join(DAG_RUN).on(DAG_RUN.ID.eq(TASK_INSTANCE.DAG_RUN_ID));
    }

    private static HumanRequestView toView(Record r) {
        JsonNode spec = JSON.readTree(r.get(TASK_TRIGGER.SPEC).data());
        List<String> options = new ArrayList<>();
        spec.path("options").forEach(o -> options.add(o.asString()));
        List<String> show = new ArrayList<>();
        spec.path("show").forEach(s -> show.add(s.asString()));
        List<ParamSpec> form = new ArrayList<>();
        spec.path("form").forEach(f -> form.add(JSON.treeToValue(f, ParamSpec.class)));
        String state = r.get(TASK_TRIGGER.FIRED_AT) != null ? HumanRequestView.DECIDED
                : r.get(TASK_TRIGGER.DISARMED_AT) != null ? HumanRequestView.CANCELLED : HumanRequestView.PENDING;
        var timeoutAt = r.get(TASK_TRIGGER.TIMEOUT_AT);
        var firedAt = r.get(TASK_TRIGGER.FIRED_AT);
        var event = r.get(TASK_TRIGGER.EVENT);
        return new HumanRequestView(r.get(TASK_TRIGGER.ID), r.get(DAG_RUN.DAG_ID), r.get(DAG_RUN.RUN_ID),
                r.get(TASK_INSTANCE.TASK_ID), r.get(TASK_INSTANCE.MAP_INDEX), state,
                spec.path("subject").asString(""), spec.path("body").asString(""), options, form, show,
                spec.path("assigneeRole").isString() ? spec.path("assigneeRole").asString() : null,
                toInstant(r.get(TASK_TRIGGER.ARMED_AT)), timeoutAt == null ? null : toInstant(timeoutAt),
                event == null ? null : event.data(), firedAt == null ? null : toInstant(firedAt));
    }
}

package dev.gale.sdk.runtime.tracing;

import dev.gale.sdk.LlmAccess;
import dev.gale.tei.v1.Assignment;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The worker's spans: one per attempt it runs, continuing the trace its assignment names, and one per call to
 * a model (or an agent's tool) that the attempt made, as the attempt's children, with OpenTelemetry's
 * {@code gen_ai.*} attribute names.
 */
public final class TaskSpans {
    public static final AttributeKey<String> DAG_ID = AttributeKey.stringKey("dag_id");
    public static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("run_id");
    public static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("task_id");
    public static final AttributeKey<Long> MAP_INDEX = AttributeKey.longKey("map_index");
    public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("attempt");
    public static final AttributeKey<String> WORKER_ID = AttributeKey.stringKey("worker_id");
    static final AttributeKey<String> GEN_AI_OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> GEN_AI_PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> GEN_AI_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> GEN_AI_TOOL = AttributeKey.stringKey("gen_ai.tool.name");
    static final AttributeKey<Long> GEN_AI_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> GEN_AI_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("gale.llm.outcome");
    static final AttributeKey<Long> COST = AttributeKey.longKey("gale.llm.cost_micro_usd");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    /** What the LLM layer records as the provider of an agent's tool call. */
    private static final String TOOL = "tool";

    private final Tracer tracer;

    public TaskSpans(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.gale.worker");
    }

    /** Starts the span of the attempt {@code assignment} is, as a child of the span its traceparent names. */
    public Span startAttempt(Assignment assignment, String workerId) {
        return tracer.spanBuilder("task " + assignment.getDagId() + "." + assignment.getTaskId())
                .setParent(Traceparent.parse(assignment.getTraceparent()))
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(DAG_ID, assignment.getDagId())
                .setAttribute(RUN_ID, assignment.getRunId())
                .setAttribute(TASK_ID, assignment.getTaskId())
                .setAttribute(MAP_INDEX, (long) assignment.getMapIndex())
                .setAttribute(ATTEMPT, (long) assignment.getAttempt())
                .setAttribute(WORKER_ID, workerId)
                .startSpan();
    }

    /** Ends {@code attempt}'s span, marked failed with {@code error} unless that is null. */
    public static void end(Span attempt, String error) {
        if (error != null) {
            attempt.setStatus(StatusCode.ERROR, error);
        }
        attempt.end();
    }

    /**
     * Records a call the attempt made as a child span of {@code attempt}, from when it started ({@code latencyMs}
     * before now) to now: the call is reported when it has ended, from the task's thread or a child process's.
     */
    public void call(Span attempt, LlmAccess.Call call) {
        boolean tool = TOOL.equals(call.provider());
        String operation = tool ? "execute_tool" : call.embeddedTexts() > 0 ? "embeddings" : "chat";
        Instant ended = Instant.now();
        var span = tracer.spanBuilder(operation + " " + call.model())
                .setParent(Context.root().with(attempt))
                .setSpanKind(tool ? SpanKind.INTERNAL : SpanKind.CLIENT)
                .setStartTimestamp(ended.minus(call.latencyMs(), ChronoUnit.MILLIS))
                .setAttribute(GEN_AI_OPERATION, operation)
                .setAttribute(OUTCOME, call.outcome());
        if (tool) {
            span.setAttribute(GEN_AI_TOOL, call.model());
        } else {
            span.setAttribute(GEN_AI_PROVIDER, call.provider())
                    .setAttribute(GEN_AI_MODEL, call.model())
                    .setAttribute(GEN_AI_INPUT_TOKENS, call.inputTokens())
                    .setAttribute(GEN_AI_OUTPUT_TOKENS, call.outputTokens())
                    .setAttribute(COST, call.costMicroUsd());
        }
        Span started = span.startSpan();
        if (call.error() != null && !call.error().isEmpty()) {
            started.setAttribute(ERROR_TYPE, call.outcome());
            started.setStatus(StatusCode.ERROR, call.error());
        }
        started.end(ended);
    }
}

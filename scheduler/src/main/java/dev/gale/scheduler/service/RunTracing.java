package dev.gale.scheduler.service;

import dev.gale.sdk.runtime.tracing.Traceparent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The scheduler's part of a run's trace: the span that creates a run (and queues its first tasks), whose
 * context is stored with the run, and a span per claimed attempt, continuing the run's stored context, whose
 * context goes to the worker with the assignment. With tracing off ({@link OpenTelemetry#noop()}) no context
 * is stored and none is sent.
 */
public final class RunTracing {
    public static final RunTracing NONE = new RunTracing(OpenTelemetry.noop());

    static final AttributeKey<String> DAG_ID = AttributeKey.stringKey("dag_id");
    static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("run_id");
    static final AttributeKey<String> RUN_TYPE = AttributeKey.stringKey("run_type");
    static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("task_id");
    static final AttributeKey<Long> MAP_INDEX = AttributeKey.longKey("map_index");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("attempt");
    static final AttributeKey<String> WORKER_ID = AttributeKey.stringKey("worker_id");

    private final Tracer tracer;

    public RunTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.gale.scheduler");
    }

    /**
     * Runs {@code create} in a {@code create run} span, a child of the calling thread's span (the REST trigger's,
     * or none for a scheduled run); {@code create} gets the span, whose traceparent it stores with the run.
     */
    <T> T creatingRun(String dagId, String runType, Function<Span, T> create) {
        Span span = tracer.spanBuilder("create run").setAttribute(DAG_ID, dagId).setAttribute(RUN_TYPE, runType)
                .startSpan();
        try (Scope scope = span.makeCurrent()) {
            return create.apply(span);
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.getMessage());
            throw e;
        } finally {
            span.end();
        }
    }

    /** Names {@code runId} on {@code span}; returns the span's traceparent to store with the run, null when tracing is off. */
    static String traceparentOf(Span span, String runId) {
        span.setAttribute(RUN_ID, runId);
        return Traceparent.of(span);
    }

    /**
     * A {@code claim task} span for each claimed attempt of a traced run, from {@code started} to now, as a child
     * of the run's stored context; the claims returned carry that span's traceparent for the worker.
     */
    List<ClaimedTask> claimed(List<ClaimedTask> claims, String workerId, Instant started) {
        List<ClaimedTask> traced = new ArrayList<>(claims.size());
        for (ClaimedTask claim : claims) {
            if (claim.traceparent() == null) {
                traced.add(claim);
                continue;
            }
            Span span = tracer.spanBuilder("claim task " + claim.dagId() + "." + claim.taskId())
                    .setParent(Traceparent.parse(claim.traceparent()))
                    .setStartTimestamp(started)
                    .setAttribute(DAG_ID, claim.dagId())
                    .setAttribute(RUN_ID, claim.runId())
                    .setAttribute(TASK_ID, claim.taskId())
                    .setAttribute(MAP_INDEX, (long) claim.mapIndex())
                    .setAttribute(ATTEMPT, (long) claim.attempt())
                    .setAttribute(WORKER_ID, workerId)
                    .startSpan();
            span.end();
            traced.add(claim.tracedAt(Traceparent.of(span)));
        }
        return traced;
    }
}

package dev.gale.sdk.runtime.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.Map;

/**
 * A span's place in its trace as a W3C {@code traceparent} value, the form it is stored in with a run and
 * carried in an assignment and in gRPC metadata, so that a process that did not start the trace continues it.
 */
public final class Traceparent {
    /** The header (HTTP) and metadata key (gRPC) that carries it. */
    public static final String KEY = "traceparent";

    private static final TextMapSetter<Map<String, String>> SETTER = Map::put;
    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private Traceparent() {
    }

    /** The traceparent of {@code context}'s span; null when it has none (tracing is off, or nothing traced it). */
    public static String of(Context context) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(context, carrier, SETTER);
        return carrier.get(KEY);
    }

    /** The traceparent of {@code span}; null when it is not a valid one. */
    public static String of(Span span) {
        return of(Context.root().with(span));
    }

    /** A context whose parent span is {@code traceparent}'s; the root context for null, blank or malformed values. */
    public static Context parse(String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of(KEY, traceparent), GETTER);
    }
}

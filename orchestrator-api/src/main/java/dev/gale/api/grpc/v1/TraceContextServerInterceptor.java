package dev.gale.api.grpc.v1;

import dev.gale.sdk.runtime.tracing.Traceparent;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * Continues the trace a worker's call names in its {@code traceparent} metadata: a server span for the call
 * (e.g. {@code gale.tei.v1.TaskExecution/CompleteTask}), current while the call is handled, so that what it
 * does (recording the outcome, queueing downstream tasks) is part of the task's trace. Calls without one
 * (the assignment stream, heartbeats) are not traced.
 */
final class TraceContextServerInterceptor implements ServerInterceptor {
    private static final Metadata.Key<String> TRACEPARENT =
            Metadata.Key.of(Traceparent.KEY, Metadata.ASCII_STRING_MARSHALLER);
    private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    private static final AttributeKey<String> RPC_STATUS = AttributeKey.stringKey("rpc.grpc.status_code");

    private final Tracer tracer;

    TraceContextServerInterceptor(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.gale.api.grpc");
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                        ServerCallHandler<Q, R> next) {
        String traceparent = headers.get(TRACEPARENT);
        if (traceparent == null) {
            return next.startCall(call, headers);
        }
        String method = call.getMethodDescriptor().getFullMethodName();
        Span span = tracer.spanBuilder(method).setParent(Traceparent.parse(traceparent)).setSpanKind(SpanKind.SERVER)
                .setAttribute(RPC_SYSTEM, "grpc").setAttribute(RPC_METHOD, method).startSpan();
        Context context = Context.current().with(span);
        ServerCall<Q, R> ending = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                span.setAttribute(RPC_STATUS, status.getCode().name());
                if (!status.isOk()) {
                    span.setStatus(StatusCode.ERROR, status.getCode() + ": " + status.getDescription());
                }
                span.end();
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener;
        try (Scope scope = context.makeCurrent()) {
            listener = next.startCall(ending, headers);
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                try (Scope scope = context.makeCurrent()) {
                    super.onMessage(message);
                }
            }

            @Override
            public void onHalfClose() {
                try (Scope scope = context.makeCurrent()) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onCancel() {
                try (Scope scope = context.makeCurrent()) {
                    super.onCancel();
                }
                span.end();
            }

            @Override
            public void onComplete() {
                try (Scope scope = context.makeCurrent()) {
                    super.onComplete();
                }
            }

            @Override
            public void onReady() {
                try (Scope scope = context.makeCurrent()) {
                    super.onReady();
                }
            }
        };
    }
}

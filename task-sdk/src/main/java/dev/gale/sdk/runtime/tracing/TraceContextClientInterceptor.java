package dev.gale.sdk.runtime.tracing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.opentelemetry.context.Context;

/**
 * Sends the calling thread's span as {@code traceparent} metadata with every call to the TEI, so that what the
 * server does for a task (its start, its report, the downstream tasks that queues) joins the task's trace.
 */
public final class TraceContextClientInterceptor implements ClientInterceptor {
    static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of(Traceparent.KEY, Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        String traceparent = Traceparent.of(Context.current());
        ClientCall<Q, R> call = next.newCall(method, options);
        if (traceparent == null) {
            return call;
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                headers.put(TRACEPARENT, traceparent);
                super.start(listener, headers);
            }
        };
    }
}

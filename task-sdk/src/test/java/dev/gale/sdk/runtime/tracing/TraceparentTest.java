package dev.gale.sdk.runtime.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.Test;

class TraceparentTest {
    @Test
    void aTraceparentNamesTheSpanItWasWrittenFromAndAnythingElseNamesNone() {
        SpanContext span = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                TraceFlags.getSampled(), TraceState.getDefault());
        String traceparent = Traceparent.of(Span.wrap(span));

        assertThat(traceparent).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        SpanContext read = Span.fromContext(Traceparent.parse(traceparent)).getSpanContext();
        assertThat(read.getTraceId()).isEqualTo(span.getTraceId());
        assertThat(read.getSpanId()).isEqualTo(span.getSpanId());
        assertThat(read.isRemote()).isTrue();
        assertThat(Traceparent.of(Context.root())).isNull();
        assertThat(Span.fromContext(Traceparent.parse("not a traceparent")).getSpanContext().isValid()).isFalse();
        assertThat(Span.fromContext(Traceparent.parse(null)).getSpanContext().isValid()).isFalse();
    }
}

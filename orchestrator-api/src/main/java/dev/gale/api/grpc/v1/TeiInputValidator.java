package dev.gale.api.grpc.v1;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.gale.api.security.UnsafeText;
import dev.gale.tei.v1.FailTaskRequest;
import dev.gale.tei.v1.LogLine;
import dev.gale.tei.v1.PutXComRequest;
import dev.gale.tei.v1.RecordLlmUsageRequest;
import dev.gale.tei.v1.ReportRunCallbackRequest;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;

/**
 * Checks every TEI request before the service sees it, so that a worker's mistake is
 * {@code INVALID_ARGUMENT} naming the field rather than a database error: no string may hold a NUL
 * (PostgreSQL cannot store it), and a {@code *_json} field must be JSON whose strings PostgreSQL can keep.
 * Free text meant for people (log lines, error texts) is kept instead, each NUL written as backslash-u0000.
 */
final class TeiInputValidator implements ServerInterceptor {
    private static final Set<FieldDescriptor> ESCAPED = Set.of(
            LogLine.getDescriptor().findFieldByName("line"),
            LogLine.getDescriptor().findFieldByName("stream"),
            FailTaskRequest.getDescriptor().findFieldByName("error"),
            RecordLlmUsageRequest.getDescriptor().findFieldByName("error"),
            ReportRunCallbackRequest.getDescriptor().findFieldByName("error"));
    /** Descriptions travel in HTTP/2 trailers, which a client bounds (8 KiB by default): longer ones are cut. */
    private static final int MAX_DESCRIPTION = 1000;
    private static final FieldDescriptor LOG_TIME = LogLine.getDescriptor().findFieldByName("timestamp_ms");
    /** Epoch milliseconds of 0001-01-01 and 9999-12-31T23:59:59.999Z: the instants PostgreSQL keeps and prints. */
    private static final long EARLIEST_MS = -62_135_596_800_000L;
    private static final long LATEST_MS = 253_402_300_799_999L;
    /** The one JSON field that may not be empty: an XCom is a value (other empty ones mean "none" or {}). */
    private static final FieldDescriptor XCOM_VALUE = PutXComRequest.getDescriptor().findFieldByName("value_json");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        ServerCall<Q, R> bounded = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                String description = status.getDescription();
                super.close(description == null || description.length() <= MAX_DESCRIPTION ? status
                        : status.withDescription(description.substring(0, MAX_DESCRIPTION) + "..."), trailers);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(bounded, headers)) {
            private boolean refused;

            @Override
            @SuppressWarnings("unchecked")
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                Message escaped = escaped((Message) message);
                String problem = problem(escaped, "");
                if (problem != null) {
                    refused = true;
                    call.close(Status.INVALID_ARGUMENT.withDescription(problem + "; nothing was recorded"),
                            new Metadata());
                    return;
                }
                super.onMessage((Q) escaped);
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    super.onHalfClose();
                }
            }
        };
    }

    /** Why {@code message} cannot be taken, naming the field (e.g. {@code output_json}), or null. */
    static String problem(Message message, String prefix) {
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            FieldDescriptor descriptor = field.getKey();
            List<?> values = descriptor.isRepeated() ? (List<?>) field.getValue() : List.of(field.getValue());
            for (int i = 0; i < values.size(); i++) {
                String name = prefix + descriptor.getName() + (descriptor.isRepeated() ? "[" + i + "]" : "");
                Object value = values.get(i);
                String problem = value instanceof Message nested ? problem(nested, name + ".")
                        : value instanceof String text ? textProblem(descriptor, name, text)
                        : descriptor.equals(LOG_TIME) && ((Long) value < EARLIEST_MS || (Long) value > LATEST_MS)
                        ? name + " must be milliseconds since 1970-01-01T00:00:00Z of an instant in the years 1 to 9999"
                        : null;
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    private static String textProblem(FieldDescriptor descriptor, String name, String text) {
        String unsafe = UnsafeText.problem(text);
        if (unsafe != null) {
            return name + " " + unsafe;
        }
        if (text.isEmpty() && descriptor.equals(XCOM_VALUE)) {
            return name + " is required: the XCom's value as JSON, such as 3 or \"text\"";
        }
        if (!descriptor.getName().endsWith("_json") || text.isEmpty()) {
            return null;
        }
        try {
            List<UnsafeText.Found> found = UnsafeText.inJson(text.getBytes(StandardCharsets.UTF_8));
            return found.isEmpty() ? null : name + " holds a string that " + found.getFirst().problem()
                    + " (at " + (found.getFirst().pointer().isEmpty() ? "the top" : found.getFirst().pointer()) + ")";
        } catch (JacksonException e) {
            return name + " is not valid JSON (" + e.getOriginalMessage().lines().findFirst().orElse("")
                    + "); send a JSON document such as {\"rows\": 3} or \"text\"";
        }
    }

    /** The message with each NUL of its free-text fields written as the six characters backslash-u0000. */
    static Message escaped(Message message) {
        Message.Builder builder = message.toBuilder();
        boolean changed = false;
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            FieldDescriptor descriptor = field.getKey();
            if (descriptor.isRepeated()) {
                List<?> values = (List<?>) field.getValue();
                for (int i = 0; i < values.size(); i++) {
                    Object kept = kept(descriptor, values.get(i));
                    if (kept != values.get(i)) {
                        builder.setRepeatedField(descriptor, i, kept);
                        changed = true;
                    }
                }
            } else {
                Object kept = kept(descriptor, field.getValue());
                if (kept != field.getValue()) {
                    builder.setField(descriptor, kept);
                    changed = true;
                }
            }
        }
        return changed ? builder.build() : message;
    }

    private static Object kept(FieldDescriptor descriptor, Object value) {
        if (value instanceof Message nested) {
            return escaped(nested);
        }
        if (value instanceof String text && ESCAPED.contains(descriptor) && text.indexOf('\u0000') >= 0) {
            return text.replace("\u0000", "\\u0000");
        }
        return value;
    }
}

package dev.gale.sdk.runtime;

import dev.gale.tei.v1.TaskExecutionGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * Task-scoped TEI calls with the worker's delivery rules: while the server cannot be reached the
 * call is repeated with backoff (every task-scoped call is safe to repeat), so an outcome produced
 * while disconnected is delivered once the server is back; a rejection is final.
 */
final class TeiClient {
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final TaskExecutionGrpc.TaskExecutionBlockingStub stub;
    private volatile boolean closed;

    TeiClient(TaskExecutionGrpc.TaskExecutionBlockingStub stub) {
        this.stub = stub;
    }

    /** A call the server refused, or one given up on; {@link #status()} says which. */
    static final class CallFailedException extends RuntimeException {
        private final Status status;

        CallFailedException(String what, Status status) {
            super("'" + what + "' failed: " + status.getCode() + (status.getDescription() == null ? ""
                    : " (" + status.getDescription() + ")"));
            this.status = status;
        }

        Status status() {
            return status;
        }
    }

    /** Makes the call, repeating it while the server is unreachable, until the worker closes. */
    <T> T deliver(String what, Function<TaskExecutionGrpc.TaskExecutionBlockingStub, T> call) {
        return call(what, call, Instant.MAX);
    }

    /** Makes the call, repeating it while the server is unreachable, for at most {@code patience}. */
    <T> T deliverWithin(String what, Duration patience, Function<TaskExecutionGrpc.TaskExecutionBlockingStub, T> call) {
        return call(what, call, Instant.now().plus(patience));
    }

    private <T> T call(String what, Function<TaskExecutionGrpc.TaskExecutionBlockingStub, T> call, Instant giveUpAt) {
        long backoffMs = 100;
        while (true) {
            try {
                return call.apply(stub.withDeadlineAfter(CALL_DEADLINE));
            } catch (StatusRuntimeException e) {
                if (!isTransient(e.getStatus()) || closed || Instant.now().plusMillis(backoffMs).isAfter(giveUpAt)) {
                    throw new CallFailedException(what, e.getStatus());
                }
            }
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException e) {
                // Only a task that is being stopped is interrupted; it reports nothing more.
                Thread.currentThread().interrupt();
                throw new CallFailedException(what, Status.CANCELLED.withDescription("the task was stopped"));
            }
            backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
        }
    }

    static boolean isTransient(Status status) {
        return status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.DEADLINE_EXCEEDED
                || status.getCode() == Status.Code.RESOURCE_EXHAUSTED || connectionClosedUnderTheCall(status);
    }

    /**
     * grpc-java reports a connection that closed while a call was in flight (the server was killed) as UNKNOWN
     * "channel closed" with a ClosedChannelException, not UNAVAILABLE. Every TEI call is safe to repeat, so it
     * is repeated like UNAVAILABLE; the chaos test found an outcome dropped this way.
     */
    private static boolean connectionClosedUnderTheCall(Status status) {
        return status.getCode() == Status.Code.UNKNOWN
                && (status.getCause() instanceof ClosedChannelException || "channel closed".equals(status.getDescription()));
    }

    /** Stops repeating calls: the worker is going away. */
    void close() {
        closed = true;
    }
}

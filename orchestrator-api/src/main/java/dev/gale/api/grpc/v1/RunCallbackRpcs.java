package dev.gale.api.grpc.v1;

import dev.gale.api.faults.DatabaseOutage;
import dev.gale.scheduler.service.ClaimedRunCallback;
import dev.gale.scheduler.service.RunCallbackDeliveries;
import dev.gale.tei.v1.ClaimRunCallbacksRequest;
import dev.gale.tei.v1.ClaimRunCallbacksResponse;
import dev.gale.tei.v1.FailedTaskInstance;
import dev.gale.tei.v1.ReportRunCallbackRequest;
import dev.gale.tei.v1.ReportRunCallbackResponse;
import dev.gale.tei.v1.RunCallbackAssignment;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/** The TEI's ClaimRunCallbacks and ReportRunCallback: DAGs' run callbacks handed to workers out of the outbox. */
final class RunCallbackRpcs {
    private final RunCallbackDeliveries deliveries;

    RunCallbackRpcs(RunCallbackDeliveries deliveries) {
        this.deliveries = deliveries;
    }

    void claim(ClaimRunCallbacksRequest request, StreamObserver<ClaimRunCallbacksResponse> response) {
        if (request.getWorkerId().isBlank()) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("worker_id is required").asRuntimeException());
            return;
        }
        ClaimRunCallbacksResponse.Builder answer = ClaimRunCallbacksResponse.newBuilder();
        try {
            for (ClaimedRunCallback c : deliveries.claim(request.getWorkerId(), request.getDagIdsList(), request.getMax())) {
                answer.addCallbacks(toProto(c));
            }
        } catch (RuntimeException e) {
            response.onError(failure(e));
            return;
        }
        response.onNext(answer.build());
        response.onCompleted();
    }

    void report(ReportRunCallbackRequest request, StreamObserver<ReportRunCallbackResponse> response) {
        if (request.getWorkerId().isBlank() || request.getDeliveryId() <= 0 || request.getAttempt() <= 0) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("worker_id, delivery_id and attempt are required,"
                    + " as ClaimRunCallbacks gave them").asRuntimeException());
            return;
        }
        try {
            deliveries.report(request.getWorkerId(), request.getDeliveryId(), request.getAttempt(),
                    request.getError().isEmpty() ? Optional.empty() : Optional.of(request.getError()));
        } catch (RuntimeException e) {
            response.onError(failure(e));
            return;
        }
        response.onNext(ReportRunCallbackResponse.getDefaultInstance());
        response.onCompleted();
    }

    private RunCallbackAssignment toProto(ClaimedRunCallback c) {
        RunCallbackAssignment.Builder proto = RunCallbackAssignment.newBuilder().setDeliveryId(c.id())
                .setAttempt(c.attempt()).setEvent(c.event()).setDagId(c.dagId()).setRunId(c.runId())
                .setDagVersionHash(c.dagVersionHash()).setState(c.state())
                .setError(c.error() == null ? "" : c.error()).setParamsJson(c.paramsJson())
                .setLogicalDateMs(c.logicalDate() == null ? 0 : c.logicalDate().toEpochMilli())
                .setLeaseMs(deliveries.lease().toMillis());
        for (ClaimedRunCallback.FailedTask t : c.failedTasks()) {
            proto.addFailedTasks(FailedTaskInstance.newBuilder().setTaskId(t.taskId()).setMapIndex(t.mapIndex())
                    .setError(t.error() == null ? "" : t.error()));
        }
        return proto.build();
    }

    private static RuntimeException failure(RuntimeException e) {
        if (DatabaseOutage.isOutage(e)) {
            return Status.UNAVAILABLE.withDescription(DatabaseOutage.ADVICE).withCause(e).asRuntimeException();
        }
        LoggerFactory.getLogger(RunCallbackRpcs.class).error("A run callback call failed", e);
        return Status.INTERNAL.withDescription("the server could not record the call; the cause is in the server's"
                + " log").asRuntimeException();
    }
}

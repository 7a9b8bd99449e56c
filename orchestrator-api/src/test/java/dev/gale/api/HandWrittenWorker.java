package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.tei.v1.Assignment;
import dev.gale.tei.v1.PullRequest;
import dev.gale.tei.v1.RegisterRequest;
import dev.gale.tei.v1.TaskExecutionGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A worker written against the proto alone, as one in another language would be: register, pull, call. */
final class HandWrittenWorker implements AutoCloseable {
    final ManagedChannel channel;
    final TaskExecutionGrpc.TaskExecutionBlockingStub tei;
    private final String workerId;
    private final BlockingQueue<Assignment> assignments = new LinkedBlockingQueue<>();
    private final StreamObserver<PullRequest> credits;

    HandWrittenWorker(int grpcPort, String workerId) {
        this.workerId = workerId;
        channel = NettyChannelBuilder.forAddress("localhost", grpcPort).usePlaintext().build();
        tei = TaskExecutionGrpc.newBlockingStub(channel);
        tei.register(RegisterRequest.newBuilder().setWorkerId(workerId).addQueues("default").build());
        credits = TaskExecutionGrpc.newStub(channel).pullAssignments(new StreamObserver<>() {
            @Override
            public void onNext(Assignment assignment) {
                assignments.add(assignment);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        credits.onNext(PullRequest.newBuilder().setWorkerId(workerId).setFreeSlots(1).build());
    }

    /** The next assignment (within 30 s: a busy CI machine is slow), after which the worker asks for one more. */
    Assignment nextAssignment() throws InterruptedException {
        Assignment assignment = assignments.poll(30, TimeUnit.SECONDS);
        assertThat(assignment).as("an assignment within 30 s").isNotNull();
        credits.onNext(PullRequest.newBuilder().setWorkerId(workerId).setFreeSlots(1).build());
        return assignment;
    }

    @Override
    public void close() {
        credits.onCompleted();
        channel.shutdownNow();
    }
}

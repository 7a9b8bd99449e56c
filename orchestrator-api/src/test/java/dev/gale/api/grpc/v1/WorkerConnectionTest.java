package dev.gale.api.grpc.v1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.scheduler.engine.WorkerOffer;
import dev.gale.tei.v1.Assignment;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerConnectionTest {

    /** A stream whose worker answers each assignment with a new credit before onNext returns, as a fast one may. */
    private static final class AnsweringStream extends ServerCallStreamObserver<Assignment> {
        WorkerConnection connection;

        @Override
        public void onNext(Assignment value) {
            connection.addCredits(1);
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnCancelHandler(Runnable onCancelHandler) {
        }

        @Override
        public void setCompression(String compression) {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setOnReadyHandler(Runnable onReadyHandler) {
        }

        @Override
        public void request(int count) {
        }

        @Override
        public void setMessageCompression(boolean enable) {
        }

        @Override
        public void disableAutoInboundFlowControl() {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }

    @Test
    void aCreditThatArrivesWhileTheAssignmentIsSentIsKept() {
        AnsweringStream stream = new AnsweringStream();
        WorkerConnection connection = new WorkerConnection(new WorkerOffer("w", List.of("default"), 0, 0, true), 1,
                stream);
        stream.connection = connection;
        connection.addCredits(1);

        assertThat(connection.send(Assignment.getDefaultInstance())).isTrue();

        assertThat(connection.credits()).as("the worker asked for one more").isEqualTo(1);
    }

    @Test
    void onlyCreditsToAWorkerThatHadNoneCallForADispatch() {
        AnsweringStream stream = new AnsweringStream();
        WorkerConnection connection = new WorkerConnection(new WorkerOffer("w", List.of("default"), 0, 0, true), 4,
                stream);
        stream.connection = connection;

        assertThat(connection.addCredits(4)).as("a worker that had no credits is new work's only way in").isTrue();
        assertThat(connection.addCredits(1)).as("one that still had credits already got what was queued").isFalse();
        assertThat(connection.addCredits(0)).as("no credits added").isFalse();
        assertThat(connection.credits()).isEqualTo(4);
    }

    @Test
    void everyCreditFromAWorkerWithGpusCallsForADispatch() {
        AnsweringStream stream = new AnsweringStream();
        WorkerConnection connection = new WorkerConnection(new WorkerOffer("w", List.of("default"), 1, 16_384, true),
                4, stream);
        stream.connection = connection;
        connection.addCredits(3);

        assertThat(connection.addCredits(1)).as("the finished task may have freed the GPU a queued one waits for")
                .isTrue();
    }
}

package dev.gale.sdk.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

class TeiClientTest {
    @Test
    void aConnectionThatClosedUnderTheCallIsRepeatedLikeAnUnreachableServer() {
        assertThat(TeiClient.isTransient(Status.UNAVAILABLE)).isTrue();
        assertThat(TeiClient.isTransient(Status.UNKNOWN.withDescription("channel closed")
                .withCause(new ClosedChannelException()))).isTrue();
    }

    @Test
    void aServersAnswerIsNotRepeated() {
        assertThat(TeiClient.isTransient(Status.UNKNOWN.withDescription("something else"))).isFalse();
        assertThat(TeiClient.isTransient(Status.INTERNAL)).isFalse();
        assertThat(TeiClient.isTransient(Status.FAILED_PRECONDITION)).isFalse();
        assertThat(TeiClient.isTransient(Status.INVALID_ARGUMENT)).isFalse();
    }
}

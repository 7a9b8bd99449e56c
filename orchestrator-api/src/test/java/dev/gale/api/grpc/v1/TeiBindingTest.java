package dev.gale.api.grpc.v1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TeiBindingTest {

    @Test
    void withoutAWorkerSecretTheTeiListensOnLoopbackOnly() {
        assertThat(TeiBinding.address("", 9090, "").getAddress().isLoopbackAddress()).isTrue();
        assertThat(TeiBinding.address("127.0.0.1", 9090, "").getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void withAWorkerSecretItListensOnEveryInterface() {
        assertThat(TeiBinding.address("", 9090, "s3cret").getAddress().isAnyLocalAddress()).isTrue();
        assertThat(TeiBinding.address("0.0.0.0", 9090, "s3cret").getPort()).isEqualTo(9090);
    }

    @Test
    void anAddressOtherHostsReachNeedsTheSecretAndTheRefusalSaysWhatToSet() {
        assertThatThrownBy(() -> TeiBinding.address("0.0.0.0", 9090, "")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("GALE_WORKER_SECRET").hasMessageContaining("127.0.0.1");
    }
}

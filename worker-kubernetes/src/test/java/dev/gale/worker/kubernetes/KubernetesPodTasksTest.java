package dev.gale.worker.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubernetesPodTasksTest {

    @Test
    void aWorkerRunsPodTasksInAClusterOrWithAKubeconfigFileOnly(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t");
        Path kubeconfig = Files.writeString(dir.resolve("config"), "apiVersion: v1");

        assertThat(KubernetesPodTasks.configAvailable(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), token)).isTrue();
        assertThat(KubernetesPodTasks.configAvailable(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"),
                dir.resolve("missing"))).isFalse();
        assertThat(KubernetesPodTasks.configAvailable(Map.of("KUBECONFIG", kubeconfig.toString()),
                dir.resolve("missing"))).isTrue();
        assertThat(KubernetesPodTasks.configAvailable(Map.of("KUBECONFIG", dir.resolve("nope").toString()),
                dir.resolve("missing"))).isFalse();
        assertThat(KubernetesPodTasks.configAvailable(Map.of(), token)).isFalse();
    }

    @Test
    void offMeansOffAndAMistakeSaysWhatToFix() {
        assertThat(KubernetesPodTasks.start("false", "w", List.of(), Duration.ofMinutes(2))).isEmpty();
        assertThatThrownBy(() -> KubernetesPodTasks.start("yes", "w", List.of(), Duration.ofMinutes(2)))
                .hasMessage("--kubernetes-pods is 'yes'; it must be auto, true or false");
        assertThatThrownBy(() -> KubernetesPodTasks.start("false", "w", List.of(), Duration.ofSeconds(30)))
                .hasMessageContaining("--kubernetes-orphan-after must be longer than three lease intervals (45 s)");
    }
}

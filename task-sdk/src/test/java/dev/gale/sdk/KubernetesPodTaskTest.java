package dev.gale.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.sdk.spec.DagSpecJson;
import dev.gale.sdk.spec.IsolationSpec;
import dev.gale.sdk.spec.KubernetesPodSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KubernetesPodTaskTest {

    @Test
    void aPodTaskIsOfKindKubernetesPodAndCarriesItsPodInTheVersion() {
        DagBuilder dag = Dag.builder("train");
        dag.kubernetesPod("fit", KubernetesPod.image("ghcr.io/acme/train:1.4").command("python", "train.py")
                .cpu("2").memory("8Gi").gpus(2).envFromParam("EPOCHS", "epochs")
                .envFromConnection("DB_PASSWORD", "warehouse", "password").nodeSelector("pool", "gpu")
                .toleration("nvidia.com/gpu", "Exists", null, "NoSchedule").persistentVolumeClaim("data", "/data")
                .outputFile("/tmp/out.json").startupTimeout(Duration.ofMinutes(10)));
        Dag built = dag.build();

        IsolationSpec isolation = built.taskSpec("fit").orElseThrow().isolation();
        assertThat(IsolationSpec.taskKind(isolation)).isEqualTo("kubernetes_pod");
        KubernetesPodSpec pod = isolation.kubernetesPod();
        assertThat(pod.image()).isEqualTo("ghcr.io/acme/train:1.4");
        assertThat(pod.limits()).containsEntry("nvidia.com/gpu", "2");
        assertThat(pod.requests()).containsEntry("cpu", "2").containsEntry("memory", "8Gi");
        assertThat(pod.startupTimeoutMs()).isEqualTo(600_000);
        assertThat(built.taskFunction("fit")).isEmpty();
        assertThat(built.taskSpec("fit").orElseThrow().resources().gpu())
                .as("the pod's node needs the GPUs, not the worker that creates the pod").isZero();
        assertThat(DagSpecJson.fromJson(DagSpecJson.toJson(built.spec()))).isEqualTo(built.spec());
        assertThat(DagSpecJson.toJson(built.taskSpec("fit").orElseThrow())).contains("\"kubernetesPod\"")
                .contains("\"image\":\"ghcr.io/acme/train:1.4\"");
    }

    @Test
    void thePodIsPartOfTheVersionAndOtherKindsSerializeAsBefore() {
        DagBuilder one = Dag.builder("train");
        one.kubernetesPod("fit", "ghcr.io/acme/train:1.4", "python", "train.py");
        DagBuilder other = Dag.builder("train");
        other.kubernetesPod("fit", "ghcr.io/acme/train:1.5", "python", "train.py");
        DagBuilder command = Dag.builder("cmd");
        command.command("echo", "echo", "hi");

        assertThat(one.build().versionHash()).isNotEqualTo(other.build().versionHash());
        assertThat(DagSpecJson.toJson(command.build().spec())).doesNotContain("kubernetesPod");
    }

    @Test
    void mistakesInThePodFailTheDagNamingTheDagAndTheTask() {
        assertThatThrownBy(() -> Dag.builder("train").kubernetesPod("fit", KubernetesPod.image("Not An Image!")))
                .isInstanceOf(DagDefinitionException.class)
                .hasMessage("DAG 'train': task 'fit': image 'Not An Image!' is not a container image reference like"
                        + " ghcr.io/acme/train:1.4");
        assertThatThrownBy(() -> Dag.builder("train").kubernetesPod("fit", KubernetesPod.image("busybox")
                .memory("8 GB")))
                .isInstanceOf(DagDefinitionException.class)
                .hasMessageContaining("DAG 'train': task 'fit': memory request '8 GB' is not a Kubernetes quantity");
        assertThatThrownBy(() -> Dag.builder("train").kubernetesPod("fit", KubernetesPod.image("busybox")
                .cpuLimit("two")))
                .hasMessageContaining("cpu limit 'two' is not a Kubernetes quantity");
        assertThatThrownBy(() -> Dag.builder("train").kubernetesPod("fit", KubernetesPod.image("busybox")
                .gpus(-1).namespace("ML_Team")))
                .hasMessageContaining("gpus must be 0 or more, got -1")
                .hasMessageContaining("namespace 'ML_Team' is not a Kubernetes name");
        assertThatThrownBy(() -> Dag.builder("train").kubernetesPod("fit", KubernetesPod.image("busybox")
                .envFromConnection("DB", "warehouse", "passwd")))
                .hasMessageContaining("environment variable DB reads field 'passwd' of connection 'warehouse'");
        assertThatThrownBy(() -> Dag.builder("train").kubernetesPod("fit", KubernetesPod.image("busybox")
                .toleration("gpu", "In", null, null).emptyDir("scratch").outputFile("out.json")))
                .hasMessageContaining("operator 'In'; it must be Equal or Exists")
                .hasMessageContaining("mount path 'scratch' must be absolute")
                .hasMessageContaining("output file 'out.json' must be an absolute path");
        assertThatThrownBy(() -> Dag.builder("train").kubernetesPod("fit", KubernetesPod.image("busybox")
                .env("A", "1").env("A", "2")))
                .hasMessageContaining("environment variable A is set twice");
    }

    record Metrics(double rmse) {
    }

    @Test
    void aTypedPodTaskGivesItsOutputTypeAndTheEdgeToItsDownstreamTask() {
        DagBuilder dag = Dag.builder("typed");
        Task<Metrics> train = dag.kubernetesPod("train", Metrics.class, KubernetesPod.image("ghcr.io/acme/train:1.4"));
        dag.task("report", String.class, train, metrics -> "rmse " + metrics.rmse());
        Dag built = dag.build();

        assertThat(train.type()).isEqualTo(TypeToken.of(Metrics.class));
        assertThat(built.taskSpec("report").orElseThrow().upstream()).containsExactly("train");
        assertThat(IsolationSpec.taskKind(built.taskSpec("train").orElseThrow().isolation())).isEqualTo("kubernetes_pod");
    }

    @Test
    void imageReferencesPeopleWriteAreAccepted() {
        for (String image : new String[] {"busybox", "busybox:1.37", "ghcr.io/acme/train:1.4",
                "registry.local:5000/ml/train-gpu:2026-12-01", "nvcr.io/nvidia/pytorch:24.05-py3",
                "python@sha256:" + "a".repeat(64)}) {
            DagBuilder dag = Dag.builder("images");
            dag.kubernetesPod("t", KubernetesPod.image(image).cpu("500m").memory("512Mi").cpuLimit("1.5"));
            assertThat(dag.build().taskSpec("t").orElseThrow().isolation().kubernetesPod().image()).isEqualTo(image);
        }
    }
}

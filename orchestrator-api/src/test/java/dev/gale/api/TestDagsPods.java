package dev.gale.api;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import dev.gale.sdk.KubernetesPod;
import dev.gale.sdk.Param;
import java.util.List;

/** DAGs whose tasks run as Kubernetes pods, for {@link KubernetesPodTaskIT}; in the test DAG bundle. */
public final class TestDagsPods implements DagBundle {
    static final String DAG = "pod_task_for_tests";

    @Override
    public List<Dag> dags() {
        DagBuilder dag = Dag.builder(DAG).param(Param.integer("epochs").defaultValue(1));
        var train = dag.kubernetesPod("train", KubernetesPod.image("ghcr.io/acme/train:1.4").namespace("ml")
                .command("python", "train.py").memory("2Gi").memoryLimit("2Gi").gpus(1)
                .envFromParam("EPOCHS", "epochs").envFromConnection("DB_PASSWORD", "from_env", "password")
                .nodeSelector("gale.dev/pool", "gpu").toleration("nvidia.com/gpu", "Exists", null, "NoSchedule"));
        var report = dag.task("report", ctx -> "rmse " + ctx.input("train", java.util.Map.class).get("rmse"))
                .after(train);
        dag.result(report);
        return List.of(dag.build());
    }
}

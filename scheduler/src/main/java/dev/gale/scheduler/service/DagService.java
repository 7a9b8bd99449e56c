package dev.gale.scheduler.service;

import dev.gale.assets.AssetReference;
import dev.gale.assets.AssetRegistry;
import dev.gale.sdk.Dag;
import dev.gale.sdk.spec.TaskSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The DAGs Gale knows: synced from loaded bundles into stored versions. */
public final class DagService {
    private final SchedulerStore store;
    private final AssetRegistry assets;

    public DagService(SchedulerStore store, AssetRegistry assets) {
        this.store = store;
        this.assets = assets;
    }

    /** Stores each DAG (a DAG whose structure changed gets a new version) and the assets its tasks declare. */
    public void sync(Collection<Dag> dags) {
        List<AssetReference> references = new ArrayList<>();
        for (Dag dag : dags) {
            store.syncDag(dag.spec(), dag.versionHash());
            for (TaskSpec task : dag.spec().tasks()) {
                task.inlets().forEach(a -> references.add(
                        new AssetReference(a, dag.dagId(), task.taskId(), AssetReference.Direction.INLET)));
                task.outlets().forEach(a -> references.add(
                        new AssetReference(a, dag.dagId(), task.taskId(), AssetReference.Direction.OUTLET)));
            }
        }
        assets.declare(references);
    }

    public List<DagSummary> list() {
        return store.listDags();
    }

    public Optional<DagSummary> find(String dagId) {
        return store.findDag(dagId);
    }
}

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
    private final RunHistory history;

    public DagService(SchedulerStore store, AssetRegistry assets, RunHistory history) {
        this.store = store;
        this.assets = assets;
        this.history = history;
    }

    /** Stores each DAG (a DAG whose structure changed gets a new version) and the assets its tasks declare. */
    public void sync(Collection<Dag> dags) {
        List<AssetReference> references = new ArrayList<>();
        for (Dag dag : dags) {
            store.syncDag(dag.spec(), dag.versionHash());
            for (TaskSpec task : dag.spec().tasks()) {
                task.inlets().forEach(a -> references.add(
                        new AssetReference(a, dag.dagId(), task.taskId(), AssetReference.Direction.INLET,
                                dag.spec().owner(), dag.spec().tags())));
                task.outlets().forEach(a -> references.add(
                        new AssetReference(a, dag.dagId(), task.taskId(), AssetReference.Direction.OUTLET,
                                dag.spec().owner(), dag.spec().tags())));
            }
        }
        assets.declare(references);
    }

    /** DAGs ordered by id, filtered by tag and paused state when those are given, {@code limit} from {@code offset}. */
    public DagPage list(String tag, Boolean paused, int limit, int offset) {
        // A deployment has hundreds of DAGs at most, read whole in one query; filtering them here is cheap.
        List<DagSummary> matching = store.listDags().stream()
                .filter(d -> tag == null || d.currentVersion().spec().tags().contains(tag))
                .filter(d -> paused == null || d.paused() == paused)
                .toList();
        int from = Math.min(offset, matching.size());
        return new DagPage(matching.subList(from, Math.min(from + limit, matching.size())), matching.size());
    }

    public List<DagVersion> versions(String dagId) {
        if (store.findDag(dagId).isEmpty()) {
            throw new UnknownDagException(dagId);
        }
        return history.listDagVersions(dagId);
    }

    /** Pauses or unpauses a DAG: a paused DAG starts no runs; runs already started go on. */
    public DagSummary setPaused(String dagId, boolean paused) {
        if (!store.setPaused(dagId, paused)) {
            throw new UnknownDagException(dagId);
        }
        return store.findDag(dagId).orElseThrow(() -> new UnknownDagException(dagId));
    }

    public Optional<DagSummary> find(String dagId) {
        return store.findDag(dagId);
    }
}

package dev.gale.scheduler.service;

import dev.gale.assets.AssetRegistry;
import dev.gale.assets.AssetVersion;
import dev.gale.sdk.spec.ScheduleSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the runs of DAGs scheduled on assets when new asset versions appear: one run per version
 * for a DAG scheduled on any of its assets, one run per completed set for a DAG scheduled on all of
 * them. Each version is handled by one scheduler (SKIP LOCKED), and each run is keyed by the
 * versions that triggered it (a unique index), so no event creates a run twice.
 */
public final class AssetTriggers {
    private static final Logger log = LoggerFactory.getLogger(AssetTriggers.class);
    private static final int BATCH = 100;

    private final AssetRegistry assets;
    private final SchedulerStore store;
    private final RunService runs;

    public AssetTriggers(AssetRegistry assets, SchedulerStore store, RunService runs) {
        this.assets = assets;
        this.store = store;
        this.runs = runs;
    }

    /** Handles every pending asset version; returns how many. */
    public int handlePending() {
        int handled = 0;
        int batch;
        do {
            // The DAGs are read once per batch, not once per version.
            List<DagSummary> onAssets = store.listDags().stream()
                    .filter(d -> !d.paused() && d.currentVersion().spec().schedule() != null
                            && !d.currentVersion().spec().schedule().assets().isEmpty())
                    .toList();
            batch = assets.handlePendingVersions(BATCH, version -> versionCreated(version, onAssets));
            handled += batch;
        } while (batch == BATCH);
        return handled;
    }

    private void versionCreated(AssetVersion version, List<DagSummary> onAssets) {
        for (DagSummary dag : onAssets) {
            ScheduleSpec schedule = dag.currentVersion().spec().schedule();
            if (!schedule.assets().contains(version.assetName())) {
                continue;
            }
            try {
                if (schedule.assetsAll()) {
                    assets.queueForAllOf(dag.dagId(), version, schedule.assets(), complete -> trigger(dag, complete));
                } else {
                    trigger(dag, List.of(version));
                }
            } catch (InvalidConfException e) {
                log.error("Asset-triggered run of {} not created: {}", dag.dagId(), e.getMessage());
            }
        }
    }

    private void trigger(DagSummary dag, List<AssetVersion> versions) {
        String eventKey = "assets:" + versions.stream().map(v -> Long.toString(v.id())).collect(Collectors.joining(","));
        runs.triggerForAssets(dag.dagId(), eventKey, versions.stream().map(AssetTriggers::describe).toList());
    }

    private static Map<String, Object> describe(AssetVersion version) {
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("asset", version.assetName());
        described.put("assetId", version.assetId());
        described.put("version", version.version());
        described.put("dagId", version.dagId());
        described.put("runId", version.runId());
        described.put("taskId", version.taskId());
        return described;
    }
}

package dev.gale.scheduler.service;

import dev.gale.assets.AliasMove;
import dev.gale.assets.AssetAliases;
import dev.gale.assets.AssetRegistry;
import dev.gale.assets.AssetVersion;
import dev.gale.sdk.spec.AliasTriggerSpec;
import dev.gale.sdk.spec.ScheduleSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the runs of DAGs scheduled on assets when new asset versions appear: one run per version
 * for a DAG scheduled on any of its assets, one run per completed set for a DAG scheduled on all of
 * them; and one run per move of an alias for a DAG scheduled on that alias. Each version and move is handled by
 * one scheduler (SKIP LOCKED), and each run is keyed by the versions or the move that triggered it (a unique
 * index), so no event creates a run twice.
 */
public final class AssetTriggers {
    private static final Logger log = LoggerFactory.getLogger(AssetTriggers.class);
    private static final int BATCH = 100;

    private final AssetRegistry assets;
    private final AssetAliases aliases;
    private final SchedulerStore store;
    private final RunService runs;

    public AssetTriggers(AssetRegistry assets, AssetAliases aliases, SchedulerStore store, RunService runs) {
        this.assets = assets;
        this.aliases = aliases;
        this.store = store;
        this.runs = runs;
    }

    /** Handles every pending asset version and alias move; returns how many. */
    public int handlePending() {
        return inBatches(schedule -> !schedule.assets().isEmpty(), onAssets ->
                        assets.handlePendingVersions(BATCH, version -> versionCreated(version, onAssets)))
                + inBatches(schedule -> !schedule.aliasMoves().isEmpty(), onAliases ->
                        aliases.handlePendingMoves(BATCH, pending -> aliasMoved(pending, onAliases)));
    }

    /**
     * Runs {@code handleBatch} with the unpaused DAGs whose schedule matches until it handles less than a full
     * batch; the DAGs are read once per batch, not once per event.
     */
    private int inBatches(Predicate<ScheduleSpec> scheduledOn, ToIntFunction<List<DagSummary>> handleBatch) {
        int handled = 0;
        int batch;
        do {
            List<DagSummary> dags = store.listDags().stream()
                    .filter(d -> !d.paused() && d.currentVersion().spec().schedule() != null
                            && scheduledOn.test(d.currentVersion().spec().schedule()))
                    .toList();
            batch = handleBatch.applyAsInt(dags);
            handled += batch;
        } while (batch == BATCH);
        return handled;
    }

    private void aliasMoved(AssetAliases.PendingAliasMove pending, List<DagSummary> onAliases) {
        AliasMove move = pending.move();
        AliasTriggerSpec moved = new AliasTriggerSpec(move.assetName(), move.alias());
        for (DagSummary dag : onAliases) {
            if (!dag.currentVersion().spec().schedule().aliasMoves().contains(moved)) {
                continue;
            }
            Map<String, Object> described = new LinkedHashMap<>();
            described.put("asset", move.assetName());
            described.put("alias", move.alias());
            described.put("version", move.toVersion());
            described.put("fromVersion", move.fromVersion());
            described.put("movedBy", move.movedBy());
            described.put("reason", move.reason());
            try {
                runs.triggerForAssets(dag.dagId(), "alias:" + pending.moveId(), List.of(described));
            } catch (InvalidConfException e) {
                log.error("Alias-triggered run of {} not created: {}", dag.dagId(), e.getMessage());
            }
        }
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

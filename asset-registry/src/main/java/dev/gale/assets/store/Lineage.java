package dev.gale.assets.store;

import static dev.gale.assets.store.jooq.Tables.ASSET;
import static dev.gale.assets.store.jooq.Tables.ASSET_REFERENCE;
import static dev.gale.assets.store.jooq.Tables.ASSET_VERSION;
import static dev.gale.assets.store.jooq.Tables.ASSET_VERSION_READ;

import dev.gale.assets.AssetVersion;
import dev.gale.assets.LineageGraph;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record4;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * Lineage graphs: around an asset, from what DAGs declare ({@code reads}/{@code writes}) and what
 * tasks were seen doing (versions written and read), across DAGs; and of one run, version by version.
 */
final class Lineage {
    private final DSLContext dsl;
    private final Table<Record4<Long, String, String, String>> uses;
    private final Field<Long> assetId;
    private final Field<String> dagId;
    private final Field<String> taskId;
    private final Field<String> direction;

    Lineage(DSLContext dsl) {
        this.dsl = dsl;
        this.uses = DSL.select(ASSET_REFERENCE.ASSET_ID, ASSET_REFERENCE.DAG_ID, ASSET_REFERENCE.TASK_ID,
                        ASSET_REFERENCE.DIRECTION).from(ASSET_REFERENCE)
                .union(DSL.selectDistinct(ASSET_VERSION.ASSET_ID, ASSET_VERSION.DAG_ID, ASSET_VERSION.TASK_ID,
                        DSL.val("outlet")).from(ASSET_VERSION))
                .union(DSL.selectDistinct(ASSET_VERSION.ASSET_ID, ASSET_VERSION_READ.DAG_ID, ASSET_VERSION_READ.TASK_ID,
                        DSL.val("inlet")).from(ASSET_VERSION_READ)
                        .join(ASSET_VERSION).on(ASSET_VERSION.ID.eq(ASSET_VERSION_READ.ASSET_VERSION_ID)))
                .asTable("uses", "asset_id", "dag_id", "task_id", "direction");
        this.assetId = uses.field("asset_id", Long.class);
        this.dagId = uses.field("dag_id", String.class);
        this.taskId = uses.field("task_id", String.class);
        this.direction = uses.field("direction", String.class);
    }

    private record Use(long assetId, String assetName, String kind, String dagId, String taskId, boolean writes) {
    }

    LineageGraph aroundAsset(long start, int depth) {
        Set<Use> found = new LinkedHashSet<>();
        Set<Long> seenAssets = new HashSet<>(Set.of(start));
        Set<List<String>> seenTasks = new HashSet<>();
        Set<Long> frontier = Set.of(start);
        for (int hop = 0; hop < depth && !frontier.isEmpty(); hop++) {
            List<Use> touching = fetch(assetId.in(frontier));
            found.addAll(touching);
            Set<List<String>> tasks = new LinkedHashSet<>();
            for (Use use : touching) {
                List<String> task = List.of(use.dagId(), use.taskId());
                if (seenTasks.add(task)) {
                    tasks.add(task);
                }
            }
            if (tasks.isEmpty()) {
                break;
            }
            Condition ofTasks = DSL.or(tasks.stream().map(t -> dagId.eq(t.get(0)).and(taskId.eq(t.get(1)))).toList());
            List<Use> around = fetch(ofTasks);
            found.addAll(around);
            Set<Long> next = new LinkedHashSet<>();
            for (Use use : around) {
                if (seenAssets.add(use.assetId())) {
                    next.add(use.assetId());
                }
            }
            frontier = next;
        }
        if (found.isEmpty()) {
            dsl.select(ASSET.ID, ASSET.NAME, ASSET.KIND).from(ASSET).where(ASSET.ID.eq(start)).fetch()
                    .forEach(r -> found.add(new Use(r.value1(), r.value2(), r.value3(), null, null, false)));
        }
        Map<String, LineageGraph.Node> nodes = new LinkedHashMap<>();
        Set<LineageGraph.Edge> edges = new LinkedHashSet<>();
        for (Use use : found) {
            String asset = "asset:" + use.assetName();
            nodes.putIfAbsent(asset, new LineageGraph.Node(asset, "asset", use.assetName(),
                    Map.of("assetId", use.assetId(), "kind", use.kind())));
            if (use.dagId() == null) {
                continue;
            }
            String task = "task:" + use.dagId() + "." + use.taskId();
            nodes.putIfAbsent(task, new LineageGraph.Node(task, "task", use.dagId() + "." + use.taskId(),
                    Map.of("dagId", use.dagId(), "taskId", use.taskId())));
            edges.add(use.writes() ? new LineageGraph.Edge(task, asset, "writes")
                    : new LineageGraph.Edge(asset, task, "reads"));
        }
        return new LineageGraph(List.copyOf(nodes.values()), List.copyOf(edges));
    }

    private List<Use> fetch(Condition where) {
        return dsl.selectDistinct(assetId, ASSET.NAME, ASSET.KIND, dagId, taskId, direction)
                .from(uses).join(ASSET).on(ASSET.ID.eq(assetId))
                .where(where)
                .orderBy(ASSET.NAME, dagId, taskId)
                .fetch(r -> new Use(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), "outlet".equals(r.value6())));
    }

    LineageGraph ofRun(String runId) {
        List<AssetVersion> written = dsl.select(ASSET_VERSION.asterisk(), ASSET.NAME).from(ASSET_VERSION)
                .join(ASSET).on(ASSET.ID.eq(ASSET_VERSION.ASSET_ID))
                .where(ASSET_VERSION.RUN_ID.eq(runId)).orderBy(ASSET_VERSION.ID)
                .fetch(JooqAssetRegistry::toVersion);
        var read = dsl.select(ASSET_VERSION.asterisk(), ASSET.NAME, ASSET_VERSION_READ.DAG_ID,
                        ASSET_VERSION_READ.TASK_ID, ASSET_VERSION_READ.MAP_INDEX)
                .from(ASSET_VERSION_READ)
                .join(ASSET_VERSION).on(ASSET_VERSION.ID.eq(ASSET_VERSION_READ.ASSET_VERSION_ID))
                .join(ASSET).on(ASSET.ID.eq(ASSET_VERSION.ASSET_ID))
                .where(ASSET_VERSION_READ.RUN_ID.eq(runId)).orderBy(ASSET_VERSION_READ.READ_AT)
                .fetch();
        Map<String, LineageGraph.Node> nodes = new LinkedHashMap<>();
        List<LineageGraph.Edge> edges = new ArrayList<>();
        for (var r : read) {
            AssetVersion version = JooqAssetRegistry.toVersion(r);
            String task = taskNode(nodes, r.get(ASSET_VERSION_READ.DAG_ID), r.get(ASSET_VERSION_READ.TASK_ID),
                    r.get(ASSET_VERSION_READ.MAP_INDEX));
            edges.add(new LineageGraph.Edge(versionNode(nodes, version), task, "reads"));
        }
        for (AssetVersion version : written) {
            String task = taskNode(nodes, version.dagId(), version.taskId(), version.mapIndex());
            edges.add(new LineageGraph.Edge(task, versionNode(nodes, version), "writes"));
        }
        return new LineageGraph(List.copyOf(nodes.values()), edges);
    }

    private static String versionNode(Map<String, LineageGraph.Node> nodes, AssetVersion version) {
        String id = "asset:" + version.assetName() + "@" + version.version();
        nodes.putIfAbsent(id, new LineageGraph.Node(id, "asset_version", version.assetName() + " v" + version.version(),
                Map.of("assetId", version.assetId(), "version", version.version(), "runId", version.runId())));
        return id;
    }

    private static String taskNode(Map<String, LineageGraph.Node> nodes, String dagId, String taskId, int mapIndex) {
        String label = dagId + "." + taskId + (mapIndex >= 0 ? "[" + mapIndex + "]" : "");
        String id = "task:" + label;
        nodes.putIfAbsent(id, new LineageGraph.Node(id, "task", label,
                Map.of("dagId", dagId, "taskId", taskId, "mapIndex", mapIndex)));
        return id;
    }
}

package dev.gale.assets;

import java.util.List;
import java.util.Map;

/**
 * Nodes and edges of the lineage graph, ready to draw: assets (or asset versions) and tasks, with
 * edges asset → task for what a task reads and task → asset for what it writes.
 */
public record LineageGraph(List<Node> nodes, List<Edge> edges) {

    /** {@code type} is "asset", "asset_version" or "task"; {@code id} is unique within the graph. */
    public record Node(String id, String type, String label, Map<String, Object> attributes) {
    }

    /** {@code kind} is "reads" or "writes". */
    public record Edge(String from, String to, String kind) {
    }
}

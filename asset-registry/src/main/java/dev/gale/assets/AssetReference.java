package dev.gale.assets;

import java.util.List;

/**
 * A DAG task that declares an asset as an input (inlet) or output (outlet), with the owner and
 * tags of its DAG, which the assets it writes take on.
 */
public record AssetReference(String assetName, String dagId, String taskId, Direction direction, String owner,
                             List<String> tags) {

    public AssetReference {
        owner = owner == null ? "" : owner;
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    public AssetReference(String assetName, String dagId, String taskId, Direction direction) {
        this(assetName, dagId, taskId, direction, "", List.of());
    }

    public enum Direction {
        INLET, OUTLET
    }
}

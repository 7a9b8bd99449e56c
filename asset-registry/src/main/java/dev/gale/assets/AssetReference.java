package dev.gale.assets;

/** A DAG task that declares an asset as an input (inlet) or output (outlet). */
public record AssetReference(String assetName, String dagId, String taskId, Direction direction) {

    public enum Direction {
        INLET, OUTLET
    }
}

package dev.gale.assets;

import java.util.Locale;

/** What sort of thing an asset is. */
public enum AssetKind {
    DATASET, MODEL, EMBEDDING_INDEX, REPORT, OTHER;

    /** Infers the kind from the name's scheme: {@code model://}, {@code vector://}, {@code report://}, storage URIs. */
    public static AssetKind fromName(String name) {
        int colon = name.indexOf("://");
        String scheme = colon < 0 ? "" : name.substring(0, colon).toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "model" -> MODEL;
            case "vector", "embedding" -> EMBEDDING_INDEX;
            case "report" -> REPORT;
            case "s3", "gs", "abfs", "file", "dataset", "postgres", "table" -> DATASET;
            default -> OTHER;
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

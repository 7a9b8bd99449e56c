package dev.gale.sdk.spec;

/** A DAG scheduled on an asset alias: each move of {@code alias} of {@code asset} becomes one run. */
public record AliasTriggerSpec(String asset, String alias) {
}

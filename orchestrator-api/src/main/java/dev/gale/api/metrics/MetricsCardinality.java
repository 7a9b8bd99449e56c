package dev.gale.api.metrics;

import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Caps on the distinct label values of Gale's meters. Labels come from DAG definitions and the LLM catalog, never
 * from runs, so the number of series is bounded by what is deployed; the caps hold even when a deployment has far
 * more DAGs than a Prometheus should hold series for: past a cap, new series are dropped, old ones keep counting.
 */
public final class MetricsCardinality {
    /** Distinct task ids over all DAGs in the per-task histograms. */
    public static final int MAX_TASK_IDS = 2_000;
    /** Distinct DAG ids in the per-DAG meters. */
    public static final int MAX_DAG_IDS = 500;
    /** Distinct models in the LLM meters. */
    public static final int MAX_MODELS = 200;

    private MetricsCardinality() {
    }

    public static MeterFilter taskIds() {
        return MeterFilter.maximumAllowableTags("gale.task", "task_id", MAX_TASK_IDS, MeterFilter.deny());
    }

    /** For the meters whose names start with {@code prefix}. */
    public static MeterFilter dagIds(String prefix) {
        return MeterFilter.maximumAllowableTags(prefix, "dag_id", MAX_DAG_IDS, MeterFilter.deny());
    }

    /** For the meters whose names start with {@code prefix}. */
    public static MeterFilter models(String prefix) {
        return MeterFilter.maximumAllowableTags(prefix, "model", MAX_MODELS, MeterFilter.deny());
    }
}

package dev.gale.sdk;

/** Events a DAG can be scheduled on, for {@link DagBuilder#schedule(KafkaTrigger)}. */
public final class Triggers {
    private Triggers() {
    }

    /**
     * Runs the DAG once per micro-batch of records of {@code topic}: e.g.
     * {@code Triggers.kafka("support-events").maxRecords(500).maxWait(Duration.ofSeconds(1))}.
     */
    public static KafkaTrigger kafka(String topic) {
        return new KafkaTrigger(topic);
    }
}

package dev.gale.sdk;

/** When a task may run, given the states of its direct upstream tasks. Airflow's rules and meanings. */
public enum TriggerRule {
    /** Every upstream succeeded. The default. */
    ALL_SUCCESS,
    /** Every upstream failed or was upstream_failed. */
    ALL_FAILED,
    /** Every upstream finished, whatever the outcome. */
    ALL_DONE,
    /** Every upstream was skipped. */
    ALL_SKIPPED,
    /** At least one upstream succeeded; does not wait for the rest. */
    ONE_SUCCESS,
    /** At least one upstream failed; does not wait for the rest. */
    ONE_FAILED,
    /** At least one upstream succeeded or failed; does not wait for the rest. */
    ONE_DONE,
    /** No upstream failed or was upstream_failed: each succeeded or was skipped. */
    NONE_FAILED,
    /** No upstream failed, and at least one succeeded. */
    NONE_FAILED_MIN_ONE_SUCCESS,
    /** No upstream was skipped. */
    NONE_SKIPPED,
    /** Run regardless of upstream states. */
    ALWAYS;

    /** The rule's name as Airflow and Gale's JSON write it, e.g. {@code all_success}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static TriggerRule fromWireName(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}

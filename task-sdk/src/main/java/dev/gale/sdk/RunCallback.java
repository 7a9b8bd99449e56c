package dev.gale.sdk;

/**
 * Java code a DAG runs when one of its runs succeeds, fails or misses its deadline: declared with
 * {@link DagBuilder#onRunSuccess}, {@link DagBuilder#onRunFailure} or {@link DagBuilder#onDeadlineMissed}.
 * The server records the event in its notification outbox, in the transaction that ends the run, and a
 * worker of the DAG's callback queue runs it. Delivery is at least once: a callback that throws (or
 * whose worker dies) is run again with backoff, so it should be safe to repeat.
 */
@FunctionalInterface
public interface RunCallback {
    void call(RunCallbackContext ctx) throws Exception;
}

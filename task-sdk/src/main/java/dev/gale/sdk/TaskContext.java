package dev.gale.sdk;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** What a running task can see and do. Backed by the worker runtime; everything goes through the TEI. */
public interface TaskContext {
    String dagId();

    String runId();

    String taskId();

    /** Index of this instance of a mapped task, or -1. */
    int mapIndex();

    /** Attempt number, starting at 1. */
    int attempt();

    /**
     * The run's logical date: a scheduled or backfill run's fire time, or the one given when the run
     * was triggered; empty for a run triggered without one.
     */
    Optional<Instant> logicalDate();

    /**
     * Where the run's data interval starts: for a DAG with a cron schedule, the fire before the logical
     * date (the nightly run at midnight covers the day that just ended); the logical date itself for a
     * DAG without one. Empty when the run has no logical date.
     */
    Optional<Instant> dataIntervalStart();

    /** Where the run's data interval ends: its logical date. Empty when the run has none. */
    Optional<Instant> dataIntervalEnd();

    /** The run's params: its conf with the DAG's defaults applied. */
    Map<String, Object> params();

    /** One param converted to {@code type}; throws when it is absent and has no default. */
    <T> T param(String name, Class<T> type);

    /** The output of a direct upstream task, converted to {@code type}. */
    <T> T input(String taskId, Class<T> type);

    default <T> T input(TaskBuilder upstream, Class<T> type) {
        return input(upstream.id(), type);
    }

    /**
     * The outputs of every instance of a mapped upstream task, in map-index order, each converted to
     * {@code elementType}: how a downstream task reduces over a mapped task.
     */
    <T> java.util.List<T> inputs(String taskId, Class<T> elementType);

    /** The element this instance of a mapped task was created for; throws when the task is not mapped. */
    <T> T item(Class<T> type);

    /** As {@link #input(String, Class)}, for a generic type such as {@code new TypeToken<List<Chunk>>() { }}. */
    <T> T input(String taskId, TypeToken<T> type);

    /** As {@link #inputs(String, Class)}, for a generic element type. */
    <T> java.util.List<T> inputs(String taskId, TypeToken<T> elementType);

    /** As {@link #item(Class)}, for a generic element type. */
    <T> T item(TypeToken<T> type);

    /**
     * Stores a value under {@code key} as an XCom of this task instance, for other tasks of the
     * run to read; the task's return value is its XCom {@code return_value}.
     */
    void putXCom(String key, Object value);

    /** Writes a line to this attempt's task log. */
    void log(String line);

    /**
     * The device indices of the GPUs this attempt was given (as {@code nvidia-smi} numbers them), for
     * in-process code to pick its device; empty when the task asked for none. Child processes also see
     * them as {@code CUDA_VISIBLE_DEVICES}.
     */
    default java.util.List<Integer> gpus() {
        return java.util.List.of();
    }

    /** What the LLM layer needs of the worker; task code calls {@code CommonLlm.forTask(ctx)} instead. */
    LlmAccess llmAccess();

    /**
     * Reads an input asset: in a run triggered by that asset, the version that triggered it; otherwise
     * the latest. The read is recorded as lineage. Throws when the asset has no version yet.
     */
    AssetVersionInfo readAsset(String assetName);

    /** Reads one version of an asset; throws when it does not exist. */
    AssetVersionInfo readAsset(String assetName, int version);

    /**
     * The version an alias of an asset points at, e.g. the {@code production} champion of
     * {@code model://churn}, recorded as a read (lineage); empty when the asset has no such alias.
     */
    Optional<AssetVersionInfo> readAssetAlias(String assetName, String alias);

    /**
     * Points an alias of an asset the task declares with {@code writes(...)} at {@code toVersion}, if it
     * still points at {@code expectedFromVersion} (0: the alias must not exist yet), and records the
     * move with this attempt and {@code reason} in the alias's history.
     *
     * @throws AliasMovedException when the alias points elsewhere: another mover came first
     */
    void moveAssetAlias(String assetName, String alias, int toVersion, int expectedFromVersion, String reason);

    /**
     * A Connection by id, from the server's environment ({@code GALE_CONN_<ID>}) or else its database;
     * throws when there is none. Its password is masked in logs and errors.
     */
    Connection connection(String connId);

    /** A Variable's value, from the server's environment ({@code GALE_VAR_<KEY>}) or else its database; throws when there is none. */
    String variable(String key);

    /**
     * Records a new version of an output asset with its metadata (e.g. {@code Map.of("rmse", 0.41)})
     * and returns its version number. The task must declare the asset with {@code writes(...)}; any
     * other fails with a message saying so. DAGs scheduled on the asset are triggered.
     */
    int emitAsset(String assetName, Map<String, ?> metadata);

    /**
     * Waits for {@code trigger} without holding a worker slot. The first call of an attempt ends the
     * task's code at once (with an {@link Error} the runtime catches: do not catch it), hands the task
     * back to the server, which marks it {@code deferred}, and frees the slot. When the trigger fires, the
     * same attempt runs the task function again from the start, and this call (the n-th of the attempt)
     * returns the n-th fired event at once: code before a defer call runs again on each resume, so keep it
     * cheap or idempotent, and make the same defer calls in the same order.
     *
     * @param timeout how long to wait at most; null waits for ever. On timeout the task fails without
     *                retry, unless the trigger has a {@link Trigger#withTimeoutEvent timeoutEvent}, which
     *                it then fires with
     */
    TriggerEvent defer(Trigger trigger, java.time.Duration timeout);

    /**
     * The event the next {@link #defer} call will return at once, when that call deferred in an earlier run of
     * this attempt and its trigger fired; empty when that call will defer. A task uses it to skip what an
     * earlier run did before deferring (e.g. submitting a batch job) and to read what it gave that trigger.
     */
    Optional<TriggerEvent> nextDeferEvent();

    /**
     * Asks a person and waits for the decision without holding a worker slot: a {@link #defer deferral} on a
     * trigger of kind {@code human}, which only a decision (the UI's inbox, or {@code POST
     * /api/v1/hitl/{id}/decision}) or the request's timeout ends. As with {@code defer}, the first call ends
     * the task's code, and the task runs again from the start once decided, this call then returning the
     * decision at once.
     */
    default HumanDecision awaitHuman(HumanRequest request) {
        return defer(Trigger.of(HumanRequest.TRIGGER_KIND, request.toSpec()), request.timeout())
                .as(HumanDecision.class);
    }
}

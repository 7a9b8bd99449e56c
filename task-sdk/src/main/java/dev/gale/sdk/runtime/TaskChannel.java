package dev.gale.sdk.runtime;

import dev.gale.sdk.LlmAccess;
import java.util.Optional;

/**
 * What running task code can ask of its worker. In the worker's process this is the assignment's
 * {@link TaskSession}; in a child process it is the local socket to the supervising worker, which
 * relays to the API server. Values are JSON text.
 */
interface TaskChannel {
    /** The run's params (conf with the DAG's defaults applied) as a JSON object. */
    String paramsJson();

    /** For an instance of a mapped task, the element it was created for as JSON; empty otherwise. */
    String mapItemJson();

    /** An XCom of a task instance of the same run; empty when there is none. */
    Optional<String> xcom(String taskId, int mapIndex, String key);

    /** Stores an XCom of this task instance; key {@code return_value} is the task's output. */
    void putXCom(String key, String valueJson);

    /** Appends a line to this attempt's log; {@code stream} is "task", "stdout" or "stderr". */
    void log(String stream, String line);

    /** The deployment's model catalog as JSON. */
    String llmCatalogJson();

    /** An earlier attempt's answer to the identical call, and the run's spending so far. */
    LlmAccess.Prepared prepareLlmCall(String callHash);

    /** Records one model call against this task instance. */
    void recordLlmUsage(LlmAccess.Call call);

    /**
     * A version of an asset (0: the run's triggering version, else the latest) as a JSON object with
     * {@code asset}, {@code version}, {@code metadata}, {@code dagId}, {@code runId}, {@code taskId},
     * {@code createdAt}.
     */
    String readAsset(String assetName, int version);

    /**
     * A connection as a JSON object with {@code connId}, {@code type}, {@code host}, {@code port},
     * {@code login}, {@code password}, {@code schema}, {@code extra} (unset parts null).
     */
    String connectionJson(String connId);

    String variable(String key);

    /** Records a new version of an output asset; returns its version number. */
    int emitAsset(String assetName, String metadataJson);

    /** As {@link #readAsset}, for the version an alias points at; empty when there is no such alias. */
    Optional<String> readAssetAlias(String assetName, String alias);

    /**
     * The events of the triggers this attempt deferred on before it was resumed, in the order of its
     * defer calls, as a JSON array of {@code {"kind": ..., "event": {...}}}; {@code []} for a fresh attempt.
     */
    String triggerEventsJson();

    /**
     * Asks to defer the attempt on a trigger ({@code specJson} a JSON object; {@code timeoutMs} 0 for
     * none). Nothing is sent while the task code runs: the worker hands the task back once it has stopped.
     */
    void defer(String kind, String specJson, long timeoutMs);

    /** Moves an alias; throws {@link dev.gale.sdk.AliasMovedException} when it does not point at the expected version. */
    void moveAssetAlias(String assetName, String alias, int toVersion, int expectedFromVersion, String reason);
}

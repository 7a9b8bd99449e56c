package dev.gale.scheduler.service;

import dev.gale.assets.AssetRegistry;
import dev.gale.assets.AssetVersion;
import dev.gale.assets.NewAssetVersion;
import dev.gale.assets.ProducingTask;
import dev.gale.assets.UnknownAssetException;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What running tasks do with assets, through the TEI: emit a new version of an asset they declared
 * with {@code writes}, and read a version of an asset, which records the lineage asset → task.
 */
public final class TaskAssetService {
    /** Metadata is for metrics and parameters; data itself belongs in the asset's storage. */
    public static final int MAX_METADATA_CHARS = 1 << 20;
    private static final Logger log = LoggerFactory.getLogger(TaskAssetService.class);

    private final SchedulerStore store;
    private final AssetRegistry assets;
    private final AssetTriggers triggers;
    private final JsonMapper json = JsonMapper.builder().build();

    public TaskAssetService(SchedulerStore store, AssetRegistry assets, AssetTriggers triggers) {
        this.store = store;
        this.assets = assets;
        this.triggers = triggers;
    }

    /**
     * Records a new version of {@code assetName} produced by the attempt, then creates the runs of
     * DAGs scheduled on it (the scheduling loop does it if this fails). Empty when the attempt is no
     * longer the running one; nothing is recorded then.
     *
     * @param eventId chosen by the worker per emit, so that a repeated call records one version; may be empty
     * @throws InvalidAssetCallException when the task did not declare the asset with {@code writes}, or
     *                                   the metadata is not a JSON object
     */
    public Optional<AssetVersion> emit(TaskAttempt attempt, String assetName, String metadataJson, String fingerprint,
                                       String eventId) {
        String metadata = metadataJson == null || metadataJson.isBlank() ? "{}" : metadataJson;
        checkMetadata(assetName, metadata);
        Optional<RunningTask> running = store.runningTask(attempt);
        if (running.isEmpty()) {
            return Optional.empty();
        }
        RunningTask task = running.get();
        if (!task.task().outlets().contains(assetName)) {
            throw new InvalidAssetCallException("task '" + task.taskId() + "' of DAG '" + task.dagId()
                    + "' did not declare asset '" + assetName + "' as an output; its outputs are "
                    + task.task().outlets() + ". Add .writes(\"" + assetName + "\") to the task to emit it.");
        }
        AssetVersion version = assets.recordVersion(new NewAssetVersion(assetName, producer(task),
                eventId == null || eventId.isBlank() ? UUID.randomUUID().toString() : eventId,
                fingerprint == null || fingerprint.isBlank() ? null : fingerprint, metadata));
        try {
            triggers.handlePending();
        } catch (RuntimeException e) {
            log.warn("Runs scheduled on {} v{} not created yet; the scheduling loop retries: {}", assetName,
                    version.version(), e.getMessage());
        }
        return Optional.of(version);
    }

    /**
     * A version of {@code assetName} for the attempt to read: {@code version}, or with 0 the version
     * that triggered the attempt's run if one of that asset did, else the latest. The read is recorded
     * for lineage. Empty when the attempt is no longer the running one.
     *
     * @throws UnknownAssetException when the asset has no such version
     */
    public Optional<AssetVersion> read(TaskAttempt attempt, String assetName, int version) {
        Optional<RunningTask> running = store.runningTask(attempt);
        if (running.isEmpty()) {
            return Optional.empty();
        }
        RunningTask task = running.get();
        int wanted = version != 0 ? version : pinnedVersion(task, assetName);
        AssetVersion found = assets.version(assetName, wanted).orElseThrow(() -> new UnknownAssetException(
                wanted == 0 ? "asset '" + assetName + "' has no version yet; a task that declares it with writes()"
                        + " must emit one first" : "asset '" + assetName + "' has no version " + wanted));
        assets.recordRead(found, producer(task));
        return Optional.of(found);
    }

    /** The version of the asset that triggered the run, or 0 (the latest) when none did. */
    private int pinnedVersion(RunningTask task, String assetName) {
        JsonNode triggering = json.readTree(task.confJson()).path(RunService.TRIGGERING_ASSET_VERSIONS);
        for (JsonNode version : triggering) {
            if (assetName.equals(version.path("asset").asString(""))) {
                return version.path("version").asInt(0);
            }
        }
        return 0;
    }

    private void checkMetadata(String assetName, String metadata) {
        if (metadata.length() > MAX_METADATA_CHARS) {
            throw new InvalidAssetCallException("metadata of '" + assetName + "' is " + metadata.length()
                    + " characters of JSON; the limit is " + MAX_METADATA_CHARS + ": keep metrics and parameters in"
                    + " metadata and the data itself in the asset's storage");
        }
        try {
            if (!json.readTree(metadata).isObject()) {
                throw new InvalidAssetCallException("metadata of '" + assetName + "' must be a JSON object, e.g."
                        + " {\"rmse\": 0.41}");
            }
        } catch (JacksonException e) {
            throw new InvalidAssetCallException("metadata of '" + assetName + "' is not valid JSON: "
                    + e.getOriginalMessage());
        }
    }

    static ProducingTask producer(RunningTask task) {
        return new ProducingTask(task.dagId(), task.dagVersion(), task.runId(), task.taskId(), task.mapIndex(),
                task.attempt().attempt(), task.attempt().taskInstanceId(), task.workerId());
    }
}

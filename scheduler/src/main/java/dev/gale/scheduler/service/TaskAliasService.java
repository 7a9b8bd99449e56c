package dev.gale.scheduler.service;

import dev.gale.assets.AliasMove;
import dev.gale.assets.AliasMoveRequest;
import dev.gale.assets.AssetAlias;
import dev.gale.assets.AssetAliases;
import dev.gale.assets.AssetRegistry;
import dev.gale.assets.AssetVersion;
import dev.gale.assets.UnknownAssetException;
import java.util.Optional;

/**
 * What running tasks do with asset aliases, through the TEI: read the version an alias points at (a
 * validation gate reading the champion), and move an alias of an asset they write (the gate promoting a
 * candidate), refused when another mover came first.
 */
public final class TaskAliasService {
    private final SchedulerStore store;
    private final AssetRegistry assets;
    private final AssetAliases aliases;

    public TaskAliasService(SchedulerStore store, AssetRegistry assets, AssetAliases aliases) {
        this.store = store;
        this.assets = assets;
        this.aliases = aliases;
    }

    /**
     * The version {@code alias} of {@code assetName} points at, recorded as read by the attempt. Empty
     * when the attempt is no longer the running one.
     *
     * @throws UnknownAssetException when the asset has no such alias
     */
    public Optional<AssetVersion> read(TaskAttempt attempt, String assetName, String alias) {
        Optional<RunningTask> running = store.runningTask(attempt);
        if (running.isEmpty()) {
            return Optional.empty();
        }
        AssetAlias pointer = aliases.alias(assetName, alias).orElseThrow(() -> new UnknownAssetException(
                "asset '" + assetName + "' has no alias '" + alias + "'"));
        AssetVersion version = assets.version(assetName, pointer.version()).orElseThrow(() ->
                new UnknownAssetException("asset '" + assetName + "' has no version " + pointer.version()));
        assets.recordRead(version, TaskAssetService.producer(running.get()));
        return Optional.of(version);
    }

    /**
     * Moves the alias for the attempt, recorded as moved by its task instance. Empty when the attempt is no
     * longer the running one; nothing is moved then.
     *
     * @throws InvalidAssetCallException           when the task does not declare the asset with {@code writes}
     * @throws IllegalArgumentException            when the alias name is not valid
     * @throws UnknownAssetException               when the asset or version does not exist
     * @throws dev.gale.assets.AliasConflictException when the alias does not point at {@code expectedFromVersion}
     */
    public Optional<AliasMove> move(TaskAttempt attempt, String assetName, String alias, int toVersion,
                                    Integer expectedFromVersion, String reason) {
        Optional<RunningTask> running = store.runningTask(attempt);
        if (running.isEmpty()) {
            return Optional.empty();
        }
        RunningTask task = running.get();
        if (!task.task().outlets().contains(assetName)) {
            throw new InvalidAssetCallException("task '" + task.taskId() + "' of DAG '" + task.dagId()
                    + "' did not declare asset '" + assetName + "' as an output, so it cannot move its aliases; its"
                    + " outputs are " + task.task().outlets() + ". Add .writes(\"" + assetName + "\") to the task.");
        }
        String mover = "task " + task.dagId() + "." + task.taskId()
                + (task.mapIndex() >= 0 ? "[" + task.mapIndex() + "]" : "") + " of run " + task.runId()
                + " (attempt " + task.attempt().attempt() + ")";
        return Optional.of(aliases.move(new AliasMoveRequest(assetName, alias, toVersion, expectedFromVersion, mover,
                reason)));
    }
}

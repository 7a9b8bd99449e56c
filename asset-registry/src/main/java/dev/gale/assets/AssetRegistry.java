package dev.gale.assets;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The asset registry's API: the assets Gale knows, their versions, and which tasks read and write them. */
public interface AssetRegistry {

    /** Records that these tasks read or write these assets, creating assets not seen before. */
    void declare(Collection<AssetReference> references);

    AssetPage list(AssetQuery query);

    Optional<Asset> find(long assetId);

    Optional<Asset> findByName(String name);

    List<AssetReference> references(String assetName);

    /**
     * Records a new version with the next version number of its asset (creating the asset if needed)
     * and marks it pending for asset-scheduled runs. Repeating an emit with the same task instance and
     * event id returns the version already recorded.
     */
    AssetVersion recordVersion(NewAssetVersion version);

    /** A version by number; {@code version} 0 means the latest. */
    Optional<AssetVersion> version(String assetName, int version);

    VersionPage versions(long assetId, int limit, int offset);

    /** The versions with these numbers, in the order asked; missing numbers are left out. */
    List<AssetVersion> versions(long assetId, List<Integer> numbers);

    /** One metadata field across every version, oldest first. */
    List<SeriesPoint> metadataSeries(long assetId, String field);

    /** Records that a task instance read a version (once per task instance and version). */
    void recordRead(AssetVersion version, ProducingTask reader);

    /** Runs that read a version, oldest read first. */
    List<String> readingRuns(long assetVersionId);

    /** The declared and observed lineage around an asset, {@code depth} asset hops away. */
    LineageGraph lineageOfAsset(long assetId, int depth);

    /** The asset versions a run's task instances read and wrote. */
    LineageGraph lineageOfRun(String runId);

    /**
     * Hands up to {@code max} versions whose asset-scheduled runs are not created yet to
     * {@code handler}, oldest first, and marks them handled when it returns. Versions another
     * scheduler is handling are skipped, not waited for; returns how many were handled.
     */
    int handlePendingVersions(int max, Consumer<AssetVersion> handler);

    /**
     * For a DAG scheduled on all of {@code requiredAssets}: remembers {@code version} as the newest of
     * its asset for {@code dagId}; once every required asset has one, hands them to {@code onComplete}
     * (in the order of {@code requiredAssets}) and forgets them. With a lock on the DAG's queue, so
     * that schedulers handling versions at once complete it once.
     */
    void queueForAllOf(String dagId, AssetVersion version, List<String> requiredAssets,
                       Consumer<List<AssetVersion>> onComplete);
}

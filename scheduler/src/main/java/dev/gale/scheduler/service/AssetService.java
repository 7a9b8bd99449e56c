package dev.gale.scheduler.service;

import dev.gale.assets.Asset;
import dev.gale.assets.AssetPage;
import dev.gale.assets.AssetQuery;
import dev.gale.assets.AssetRegistry;
import dev.gale.assets.AssetVersion;
import dev.gale.assets.LineageGraph;
import dev.gale.assets.SeriesPoint;
import dev.gale.assets.UnknownAssetException;
import dev.gale.assets.VersionPage;
import java.util.List;

/** What people read of assets: versions, comparisons across runs, metadata series and lineage. Nothing here changes a version. */
public final class AssetService {
    private final AssetRegistry assets;
    private final RunService runs;

    public AssetService(AssetRegistry assets, RunService runs) {
        this.assets = assets;
        this.runs = runs;
    }

    /** A version, the run that produced it (its conf, e.g. an experiment's parameters) and the runs that read it. */
    public record VersionDetail(AssetVersion version, String producingRunConfJson, List<String> readByRuns) {
    }

    public AssetPage list(AssetQuery query) {
        return assets.list(query);
    }

    /** @throws UnknownAssetException when there is no such asset */
    public Asset asset(long assetId) {
        return assets.find(assetId).orElseThrow(() -> new UnknownAssetException("asset " + assetId
                + " does not exist; GET /api/v1/assets lists the assets and their ids"));
    }

    public VersionPage versions(long assetId, int limit, int offset) {
        asset(assetId);
        return assets.versions(assetId, limit, offset);
    }

    public VersionDetail version(long assetId, int version) {
        List<VersionDetail> found = compare(assetId, List.of(version));
        return found.getFirst();
    }

    /**
     * The versions asked for, in that order, each beside the conf of the run that produced it.
     *
     * @throws UnknownAssetException naming the versions the asset does not have
     */
    public List<VersionDetail> compare(long assetId, List<Integer> versions) {
        Asset asset = asset(assetId);
        List<AssetVersion> found = assets.versions(assetId, versions);
        if (found.size() < versions.stream().distinct().count()) {
            List<Integer> missing = versions.stream()
                    .filter(v -> found.stream().noneMatch(f -> f.version() == v)).distinct().toList();
            throw new UnknownAssetException("asset '" + asset.name() + "' has no version " + missing + "; it has"
                    + " versions 1 to " + asset.latestVersion());
        }
        return found.stream().map(v -> new VersionDetail(v,
                runs.find(v.dagId(), v.runId()).map(DagRunView::confJson).orElse(null),
                assets.readingRuns(v.id()))).toList();
    }

    public List<SeriesPoint> metadataSeries(long assetId, String field) {
        asset(assetId);
        return assets.metadataSeries(assetId, field);
    }

    public LineageGraph lineageOfAsset(long assetId, int depth) {
        asset(assetId);
        return assets.lineageOfAsset(assetId, depth);
    }

    public LineageGraph lineageOfRun(String runId) {
        return assets.lineageOfRun(runId);
    }
}

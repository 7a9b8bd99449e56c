package dev.gale.api.rest.v1;

import dev.gale.assets.Asset;
import dev.gale.assets.AssetKind;
import dev.gale.assets.AssetPage;
import dev.gale.assets.AssetQuery;
import dev.gale.assets.AssetVersion;
import dev.gale.assets.LineageGraph;
import dev.gale.assets.VersionPage;
import dev.gale.scheduler.service.AssetService;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/v1/assets} and {@code /api/v1/lineage}: assets, their versions side by side with the
 * conf of the runs that produced them, metadata across versions, and lineage graphs. Read only:
 * versions are made by tasks and never changed.
 */
@RestController
@RequestMapping("/api/v1")
class AssetController {
    private static final int MAX_COMPARED = 100;
    private static final int MAX_DEPTH = 10;
    private final AssetService assets;
    private final JsonMapper json = JsonMapper.builder().build();

    AssetController(AssetService assets) {
        this.assets = assets;
    }

    record AssetResponse(long id, String name, String kind, String description, String owner, List<String> tags,
                         int latestVersion, Instant createdAt) {
        static AssetResponse of(Asset a) {
            return new AssetResponse(a.id(), a.name(), a.kind().wireName(), a.description(), a.owner(), a.tags(),
                    a.latestVersion(), a.createdAt());
        }
    }

    record AssetListResponse(List<AssetResponse> assets, int totalEntries) {
    }

    /** A version; {@code producingRunConf} and {@code readByRuns} only when one version is asked for. */
    record VersionResponse(long assetId, String assetName, int version, JsonNode metadata, String producedBy,
                           String dagId, int dagVersion, String runId, String taskId, int mapIndex, int attempt,
                           String fingerprint, Instant createdAt, JsonNode producingRunConf, List<String> readByRuns) {
    }

    record VersionListResponse(List<VersionResponse> versions, int totalEntries) {
    }

    record ComparedVersion(int version, String runId, JsonNode conf, JsonNode metadata, Instant createdAt) {
    }

    /** {@code confFields} and {@code metadataFields} are the union over the versions: the columns of a table. */
    record CompareResponse(long assetId, String assetName, List<String> confFields, List<String> metadataFields,
                           List<ComparedVersion> versions) {
    }

    record SeriesPointResponse(int version, Instant createdAt, String runId, JsonNode value) {
    }

    record SeriesResponse(long assetId, String field, List<SeriesPointResponse> points) {
    }

    @Operation(summary = "List assets", description = "Ordered by name; filter by kind (dataset, model,"
            + " embedding_index, report, other), name prefix and tag.")
    @GetMapping("/assets")
    AssetListResponse list(@RequestParam(name = "kind", required = false) String kind,
                           @RequestParam(name = "namePrefix", required = false) String namePrefix,
                           @RequestParam(name = "tag", required = false) String tag,
                           @RequestParam(name = "limit", required = false) Integer limit,
                           @RequestParam(name = "offset", required = false) Integer offset) {
        AssetPage page = assets.list(new AssetQuery(kind(kind), namePrefix, tag, Paging.limit(limit),
                Paging.offset(offset)));
        return new AssetListResponse(page.assets().stream().map(AssetResponse::of).toList(), page.totalEntries());
    }

    @Operation(summary = "Get an asset")
    @GetMapping("/assets/{assetId}")
    AssetResponse get(@PathVariable long assetId) {
        return AssetResponse.of(assets.asset(assetId));
    }

    @Operation(summary = "List an asset's versions", description = "Newest first, with their metadata.")
    @GetMapping("/assets/{assetId}/versions")
    VersionListResponse versions(@PathVariable long assetId,
                                 @RequestParam(name = "limit", required = false) Integer limit,
                                 @RequestParam(name = "offset", required = false) Integer offset) {
        VersionPage page = assets.versions(assetId, Paging.limit(limit), Paging.offset(offset));
        return new VersionListResponse(page.versions().stream().map(v -> version(v, null, null)).toList(),
                page.totalEntries());
    }

    @Operation(summary = "Get one version of an asset", description = "With the conf of the run that produced"
            + " it and the runs that read it.")
    @GetMapping("/assets/{assetId}/versions/{version}")
    VersionResponse version(@PathVariable long assetId, @PathVariable int version) {
        AssetService.VersionDetail detail = assets.version(assetId, version);
        return version(detail.version(), detail.producingRunConfJson(), detail.readByRuns());
    }

    @Operation(summary = "Compare versions side by side", description = "?versions=3,7,8: each version's metadata"
            + " beside the conf of the run that produced it, e.g. an experiment's RMSE beside its parameters.")
    @GetMapping("/assets/{assetId}/compare")
    CompareResponse compare(@PathVariable long assetId, @RequestParam(name = "versions") String versions) {
        List<AssetService.VersionDetail> details = assets.compare(assetId, versionNumbers(versions));
        TreeSet<String> confFields = new TreeSet<>();
        TreeSet<String> metadataFields = new TreeSet<>();
        List<ComparedVersion> compared = new ArrayList<>();
        for (AssetService.VersionDetail detail : details) {
            JsonNode conf = detail.producingRunConfJson() == null ? null : json.readTree(detail.producingRunConfJson());
            JsonNode metadata = json.readTree(detail.version().metadataJson());
            if (conf != null) {
                confFields.addAll(conf.propertyNames());
            }
            metadataFields.addAll(metadata.propertyNames());
            compared.add(new ComparedVersion(detail.version().version(), detail.version().runId(), conf, metadata,
                    detail.version().createdAt()));
        }
        Asset asset = assets.asset(assetId);
        return new CompareResponse(assetId, asset.name(), List.copyOf(confFields), List.copyOf(metadataFields),
                compared);
    }

    @Operation(summary = "One metadata field across all versions", description = "?field=rmse, oldest version"
            + " first, for charts; value is null for versions without the field.")
    @GetMapping("/assets/{assetId}/metadata-series")
    SeriesResponse metadataSeries(@PathVariable long assetId, @RequestParam(name = "field") String field) {
        if (field.isBlank()) {
            throw ApiException.badRequest("invalid-field", "field must name a metadata field, e.g. ?field=rmse");
        }
        return new SeriesResponse(assetId, field, assets.metadataSeries(assetId, field).stream()
                .map(p -> new SeriesPointResponse(p.version(), p.createdAt(), p.runId(),
                        p.valueJson() == null ? null : json.readTree(p.valueJson())))
                .toList());
    }

    @Operation(summary = "Lineage graph", description = "?asset={id}&depth=3: assets and the tasks that read and"
            + " write them, across DAGs, up to depth asset hops away; or ?run={runId}: the asset versions the run's"
            + " task instances read and wrote. Nodes and edges, ready to draw.")
    @GetMapping("/lineage")
    LineageGraph lineage(@RequestParam(name = "asset", required = false) Long asset,
                         @RequestParam(name = "run", required = false) String run,
                         @RequestParam(name = "depth", required = false) Integer depth) {
        if ((asset == null) == (run == null || run.isBlank())) {
            throw ApiException.badRequest("invalid-lineage-query", "give exactly one of ?asset={assetId} (with"
                    + " optional &depth=3) or ?run={runId}");
        }
        if (depth != null && (depth < 1 || depth > MAX_DEPTH)) {
            throw ApiException.badRequest("invalid-depth", "depth must be between 1 and " + MAX_DEPTH + ", got "
                    + depth);
        }
        return asset != null ? assets.lineageOfAsset(asset, depth == null ? 3 : depth) : assets.lineageOfRun(run);
    }

    private VersionResponse version(AssetVersion v, String producingRunConf, List<String> readByRuns) {
        return new VersionResponse(v.assetId(), v.assetName(), v.version(), json.readTree(v.metadataJson()),
                v.producedBy(), v.dagId(), v.dagVersion(), v.runId(), v.taskId(), v.mapIndex(), v.attempt(),
                v.fingerprint(), v.createdAt(), producingRunConf == null ? null : json.readTree(producingRunConf),
                readByRuns);
    }

    private static AssetKind kind(String kind) {
        if (kind == null) {
            return null;
        }
        try {
            return AssetKind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-kind", "kind must be one of " + Arrays.stream(AssetKind.values())
                    .map(AssetKind::wireName).toList() + ", got '" + kind + "'");
        }
    }

    private static List<Integer> versionNumbers(String versions) {
        List<Integer> numbers = new ArrayList<>();
        for (String part : versions.split(",")) {
            try {
                numbers.add(Integer.parseInt(part.strip()));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid-versions", "versions must be version numbers separated by"
                        + " commas, e.g. ?versions=3,7,8; '" + part.strip() + "' is not a number");
            }
        }
        if (numbers.size() > MAX_COMPARED) {
            throw ApiException.badRequest("invalid-versions", "compare at most " + MAX_COMPARED + " versions at once,"
                    + " got " + numbers.size());
        }
        return numbers;
    }
}

package dev.gale.examples.recommender;

import dev.gale.llm.rag.RagIndexes;
import dev.gale.sdk.AssetVersionInfo;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.sdk.Task;
import dev.gale.sdk.TaskContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.codec.digest.DigestUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * Deploys the channel recommender each time the {@code production} alias of {@value RetrainRecommender#MODEL}
 * moves (by retrain_recommender's gate or by a person): the promoted model file is checked against its recorded
 * SHA-256 and written, atomically, where a serving process reads it, with a manifest beside it. A drift task then
 * compares the features the model serves now with those it was trained on (population stability index per
 * feature), records them as a version of {@value #DRIFT}, and fails, naming the features, above the threshold.
 */
public final class DeployRecommender {
    public static final String DEPLOYMENT = "deployment://channel-recommender";
    public static final String DRIFT = "report://channel-recommender-drift";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private DeployRecommender() {
    }

    /** What was deployed, and where. */
    public record Deployed(int modelVersion, String modelFile, String manifest, String sha256) {
    }

    /** The drift of each feature between training and now. */
    public record DriftReport(int modelVersion, Map<String, Double> psi, double maxPsi, String worstFeature,
                              double threshold) {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("deploy_recommender")
                .description("Deploys model://channel-recommender each time its production alias moves, then checks"
                        + " the features it serves for drift from its training data (PSI).")
                .owner("ml-platform").tags("example", "ml", "deployment")
                .scheduleOnAliasMove(RetrainRecommender.MODEL, RetrainRecommender.PRODUCTION)
                .maxActiveRuns(1)
                .param(Param.string("connection").defaultValue("warehouse").description("The postgres Connection"
                        + " whose current data the drift check reads"))
                .param(Param.string("servingDir").defaultValue("").description("Where the serving process reads"
                        + " the model; empty: $GALE_HOME/serving"))
                .param(Param.number("psiThreshold").defaultValue(0.25).min(0).max(100).description("The drift task"
                        + " fails when a feature's population stability index is above this (0.25: a shift that"
                        + " needs retraining)"));

        Task<Deployed> deploy = dag.task("deploy", Deployed.class, DeployRecommender::deploy)
                .reads(RetrainRecommender.MODEL).writes(DEPLOYMENT);
        Task<DriftReport> drift = dag.task("drift", DriftReport.class, deploy, DeployRecommender::drift)
                .reads(RetrainRecommender.MODEL).writes(DRIFT).retries(0, Duration.ZERO);
        return dag.result(drift).build();
    }

    /** In a run the alias move triggered, the version it moved to; in one triggered by hand, where it points now. */
    private static AssetVersionInfo promoted(TaskContext ctx) {
        if (ctx.params().get("triggeringAssetVersions") != null) {
            return ctx.readAsset(RetrainRecommender.MODEL);
        }
        return ctx.readAssetAlias(RetrainRecommender.MODEL, RetrainRecommender.PRODUCTION).orElseThrow(() ->
                new IllegalStateException(RetrainRecommender.MODEL + " has no " + RetrainRecommender.PRODUCTION
                        + " alias yet: run retrain_recommender first, or move the alias on the asset's page"));
    }

    private static Deployed deploy(TaskContext ctx) throws Exception {
        AssetVersionInfo model = promoted(ctx);
        Path source = Path.of(String.valueOf(model.metadata("modelFile")));
        if (!Files.isReadable(source)) {
            throw new IllegalStateException(RetrainRecommender.MODEL + " v" + model.version() + " has its model file"
                    + " at " + source + ", which this worker cannot read; put modelDir on storage every worker sees");
        }
        byte[] bytes = Files.readAllBytes(source);
        String sha256 = DigestUtils.sha256Hex(bytes);
        if (!sha256.equals(model.metadata("modelSha256"))) {
            throw new IllegalStateException(source + " has SHA-256 " + sha256 + ", not the " + model.metadata(
                    "modelSha256") + " recorded for v" + model.version() + ": the file was changed after training;"
                    + " retrain instead of deploying it");
        }
        String configured = ctx.param("servingDir", String.class);
        Path dir = configured == null || configured.isBlank() ? RagIndexes.galeHome().resolve("serving")
                : Path.of(configured);
        Path target = dir.resolve("channel-recommender.ubj");
        Path manifest = dir.resolve("channel-recommender.json");
        RetrainRecommender.write(target, bytes);
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("asset", RetrainRecommender.MODEL);
        described.put("version", model.version());
        described.put("candidate", model.metadata("candidate"));
        described.put("auc", model.metadata("auc"));
        described.put("sha256", sha256);
        described.put("features", ChannelFeatures.NAMES);
        described.put("deployedAt", Instant.now().toString());
        RetrainRecommender.write(manifest, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(described));
        ctx.emitAsset(DEPLOYMENT, Map.of("modelVersion", model.version(), "path", target.toString(),
                "sha256", sha256));
        ctx.log("deployed " + RetrainRecommender.MODEL + " v" + model.version() + " to " + target);
        return new Deployed(model.version(), target.toString(), manifest.toString(), sha256);
    }

    private static DriftReport drift(TaskContext ctx, Deployed deployed) throws Exception {
        AssetVersionInfo model = ctx.readAsset(RetrainRecommender.MODEL, deployed.modelVersion());
        ChannelFeatures.Snapshot trainedOn = RetrainRecommender.snapshotOf(model);
        ChannelFeatures.Rows trained;
        ChannelFeatures.Rows serving;
        try (Connection jdbc = RetrainRecommender.warehouse(ctx)) {
            trained = ChannelFeatures.rows(jdbc, trainedOn, ChannelFeatures.Split.ALL);
            serving = ChannelFeatures.rows(jdbc, ChannelFeatures.snapshot(jdbc, trainedOn.schema(),
                    trainedOn.sampleEvery()).servingNow(), ChannelFeatures.Split.ALL);
        }
        Map<String, Double> psi = Drift.psiByFeature(trained, serving);
        Map.Entry<String, Double> worst = psi.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        double threshold = ctx.param("psiThreshold", Double.class);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("modelVersion", deployed.modelVersion());
        metadata.put("maxPsi", worst.getValue());
        metadata.put("worstFeature", worst.getKey());
        metadata.put("threshold", threshold);
        psi.forEach((feature, value) -> metadata.put("psi_" + feature, value));
        ctx.emitAsset(DRIFT, metadata);
        List<String> over = psi.entrySet().stream().filter(e -> e.getValue() > threshold)
                .map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey(), e.getValue())).toList();
        if (!over.isEmpty()) {
            throw new IllegalStateException("feature drift above the PSI threshold " + threshold + " for "
                    + RetrainRecommender.MODEL + " v" + deployed.modelVersion() + ": " + String.join(", ", over)
                    + ". The model serves data unlike what it was trained on; retrain it (retrain_recommender)"
                    + " and check the source data");
        }
        ctx.log("drift of v" + deployed.modelVersion() + ": " + psi.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", ")));
        return new DriftReport(deployed.modelVersion(), psi, worst.getValue(), worst.getKey(), threshold);
    }
}

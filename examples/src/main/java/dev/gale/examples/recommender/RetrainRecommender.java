package dev.gale.examples.recommender;

import dev.gale.examples.sql.DemoWarehouse;
import dev.gale.llm.rag.RagIndexes;
import dev.gale.sdk.AssetVersionInfo;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.HumanDecision;
import dev.gale.sdk.HumanRequest;
import dev.gale.sdk.Param;
import dev.gale.sdk.Task;
import dev.gale.sdk.TaskBuilder;
import dev.gale.sdk.TaskContext;
import dev.gale.sdk.TypeToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.codec.digest.DigestUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * Daily retraining of the channel recommender with a promotion gate. Features are computed in SQL from the
 * {@code warehouse} Connection (in standalone, {@code demo_warehouse} in the embedded PostgreSQL, seeded on first
 * use); the snapshot used is recorded as a version of {@value #DATASET}. Each candidate configuration is trained in
 * its own mapped task instance with XGBoost4j (trees, and a linear baseline) and recorded as a version of
 * {@value #MODEL} with its parameters, AUC, F1, precision@10, rows, training time and snapshot. The gate then
 * promotes the best candidate to the {@value #PRODUCTION} alias only if it beats the current champion, scored again
 * on the same held-out users, by at least {@code margin} AUC; otherwise it keeps the champion and says why. A
 * promotion by less than {@code approvalMargin} waits for a person's approval first.
 */
public final class RetrainRecommender {
    public static final String DATASET = "dataset://channel-interactions";
    public static final String MODEL = "model://channel-recommender";
    public static final String PRODUCTION = "production";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RetrainRecommender() {
    }

    /** One trained candidate, as the gate compares them. */
    public record Trained(String candidate, int version, double auc, double f1, double precisionAt10,
                          String modelFile) {
    }

    /** What the gate decided, and why; {@code approvedBy} names the person who approved a small gain, if one did. */
    public record Decision(boolean promoted, int candidateVersion, String candidate, double candidateAuc,
                           int championVersion, Double championAuc, double margin, String reason,
                           String approvedBy) {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("retrain_recommender")
                .description("Retrains the channel recommender daily: SQL features from the warehouse, candidates"
                        + " trained in parallel with XGBoost, and a gate that promotes the best to model://"
                        + "channel-recommender@production only if it beats the champion by a margin.")
                .owner("ml-platform").tags("example", "ml", "retraining")
                .schedule("@daily")
                .maxActiveRuns(1)
                .param(Param.string("connection").defaultValue("warehouse").description("The postgres Connection"
                        + " the features are computed in (in standalone, warehouse is the embedded PostgreSQL)"))
                .param(Param.string("schema").defaultValue(DemoWarehouse.SCHEMA).description("The schema with"
                        + " users, channels and interactions tables; demo_warehouse is created and seeded on first"
                        + " use"))
                .param(Param.integer("sampleEvery").defaultValue(20).min(1).max(10_000).description("Train on every"
                        + " n-th user (× every channel); a fifth of them are held out to measure candidates"))
                .param(Param.array("candidates").defaultValue(ChannelModels.defaults().stream()
                        .map(c -> JSON.convertValue(c, Map.class)).toList()).description("Model configurations to"
                        + " compare: name, booster (gbtree or gblinear), maxDepth, eta, rounds, lambda"))
                .param(Param.number("margin").defaultValue(0.005).min(-1).max(1).description("How much higher the"
                        + " best candidate's held-out AUC must be than the champion's for it to be promoted"))
                .param(Param.number("approvalMargin").defaultValue(0).min(0).max(1).description("A promotion that"
                        + " beats the champion by less than this waits for a person's approval (the inbox; after"
                        + " 24 h the champion is kept); 0: never ask"))
                .param(Param.string("modelDir").defaultValue("").description("Where model files are written;"
                        + " empty: $GALE_HOME/models. Workers and deploy_recommender must all see it (shared"
                        + " storage when they run on several machines)"));

        TaskBuilder seed = dag.task("seed_warehouse", DemoWarehouse::seedTask);
        Task<ChannelFeatures.Snapshot> snapshot = dag.task("snapshot", ChannelFeatures.Snapshot.class,
                RetrainRecommender::snapshot).writes(DATASET).after(seed);
        Task<List<ChannelModels.Candidate>> candidates = dag.task("candidates",
                new TypeToken<List<ChannelModels.Candidate>>() { }, RetrainRecommender::candidates);
        Task<List<Trained>> train = dag.map("train", Trained.class, candidates, RetrainRecommender::train)
                .reads(DATASET).writes(MODEL).after(snapshot);
        Task<Decision> gate = dag.task("gate", Decision.class, train, RetrainRecommender::gate)
                .reads(DATASET).writes(MODEL);
        return dag.result(gate).build();
    }

    private static ChannelFeatures.Snapshot snapshot(TaskContext ctx) throws SQLException {
        try (Connection jdbc = warehouse(ctx)) {
            ChannelFeatures.Snapshot snapshot = ChannelFeatures.snapshot(jdbc, ctx.param("schema", String.class),
                    ctx.param("sampleEvery", Integer.class));
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("schema", snapshot.schema());
            metadata.put("latest", snapshot.latest().toString());
            metadata.put("cutoff", snapshot.cutoff().toString());
            metadata.put("interactions", snapshot.interactions());
            metadata.put("sampleEvery", snapshot.sampleEvery());
            metadata.put("featureWindowDays", ChannelFeatures.FEATURE_WINDOW.toDays());
            metadata.put("labelWindowDays", ChannelFeatures.LABEL_WINDOW.toDays());
            metadata.put("features", ChannelFeatures.NAMES);
            int version = ctx.emitAsset(DATASET, metadata);
            ctx.log("snapshot v" + version + ": " + snapshot.interactions() + " interactions up to "
                    + snapshot.latest() + ", labels after " + snapshot.cutoff());
            return snapshot;
        }
    }

    private static List<ChannelModels.Candidate> candidates(TaskContext ctx) {
        Object configured = ctx.params().get("candidates");
        if (!(configured instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("conf candidates must be a non-empty list of model configurations,"
                    + " e.g. [{\"name\": \"trees\", \"booster\": \"gbtree\", \"maxDepth\": 4, \"eta\": 0.2,"
                    + " \"rounds\": 80, \"lambda\": 1}]");
        }
        List<ChannelModels.Candidate> parsed = list.stream().map(c -> {
            try {
                return JSON.convertValue(c, ChannelModels.Candidate.class);
            } catch (RuntimeException e) {
                Throwable cause = e;
                while (cause.getCause() != null) {
                    cause = cause.getCause();
                }
                throw new IllegalArgumentException("conf candidates has an entry that is not a model configuration"
                        + " (" + c + "): " + cause.getMessage(), e);
            }
        }).toList();
        if (parsed.stream().map(ChannelModels.Candidate::name).distinct().count() != parsed.size()) {
            throw new IllegalArgumentException("conf candidates names a candidate twice; give each its own name");
        }
        return parsed;
    }

    private static Trained train(TaskContext ctx, ChannelModels.Candidate candidate) throws Exception {
        AssetVersionInfo data = ctx.readAsset(DATASET);
        ChannelFeatures.Snapshot snapshot = snapshotOf(data);
        ChannelFeatures.Rows training;
        ChannelFeatures.Rows heldOut;
        try (Connection jdbc = warehouse(ctx)) {
            training = ChannelFeatures.rows(jdbc, snapshot, ChannelFeatures.Split.TRAIN);
            heldOut = ChannelFeatures.rows(jdbc, snapshot, ChannelFeatures.Split.HELD_OUT);
        }
        long started = System.nanoTime();
        byte[] model = ChannelModels.train(candidate, training);
        long trainingMs = (System.nanoTime() - started) / 1_000_000;
        double threshold = ChannelModels.bestThreshold(ChannelModels.score(model, training), training);
        ChannelModels.Metrics metrics = ChannelModels.measure(ChannelModels.score(model, heldOut), heldOut, threshold);
        String sha256 = DigestUtils.sha256Hex(model);
        Path file = modelDir(ctx).resolve("channel-recommender-" + sha256.substring(0, 16) + ".ubj");
        write(file, model);

        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("candidate", candidate.name());
        metadata.put("booster", candidate.booster());
        metadata.put("maxDepth", candidate.maxDepth());
        metadata.put("eta", candidate.eta());
        metadata.put("rounds", candidate.rounds());
        metadata.put("lambda", candidate.lambda());
        metadata.put("auc", round(metrics.auc()));
        metadata.put("f1", round(metrics.f1()));
        metadata.put("precisionAt10", round(metrics.precisionAt10()));
        metadata.put("threshold", round(threshold));
        metadata.put("trainingRows", training.count());
        metadata.put("heldOutRows", heldOut.count());
        metadata.put("heldOutPositives", metrics.positives());
        metadata.put("trainingMs", trainingMs);
        metadata.put("datasetVersion", data.version());
        metadata.put("schema", snapshot.schema());
        metadata.put("cutoff", snapshot.cutoff().toString());
        metadata.put("sampleEvery", snapshot.sampleEvery());
        metadata.put("modelFile", file.toString());
        metadata.put("modelSha256", sha256);
        int version = ctx.emitAsset(MODEL, metadata);
        ctx.log(String.format(Locale.ROOT, "%s → %s v%d: AUC %.4f, F1 %.4f, precision@10 %.4f (%d training rows,"
                        + " %d ms)", candidate.name(), MODEL, version, metrics.auc(), metrics.f1(),
                metrics.precisionAt10(), training.count(), trainingMs));
        return new Trained(candidate.name(), version, metrics.auc(), metrics.f1(), metrics.precisionAt10(),
                file.toString());
    }

    private static Decision gate(TaskContext ctx, List<Trained> trained) throws Exception {
        double margin = ctx.param("margin", Double.class);
        Trained best = trained.stream().max(Comparator.comparingDouble(Trained::auc)).orElseThrow();
        Optional<AssetVersionInfo> champion = ctx.readAssetAlias(MODEL, PRODUCTION);
        if (champion.isEmpty()) {
            String reason = String.format(Locale.ROOT, "first champion: %s (v%d) has AUC %.4f, the best of %d"
                    + " candidates", best.candidate(), best.version(), best.auc(), trained.size());
            ctx.moveAssetAlias(MODEL, PRODUCTION, best.version(), 0, reason);
            ctx.log("promoted: " + reason);
            return new Decision(true, best.version(), best.candidate(), best.auc(), 0, null, margin, reason, null);
        }
        AssetVersionInfo current = champion.get();
        if (current.version() == best.version()) {
            return new Decision(false, best.version(), best.candidate(), best.auc(), current.version(), best.auc(),
                    margin, "the best candidate is the champion already", null);
        }
        // The champion is scored again on today's held-out users, so both are measured on the same rows.
        ChannelFeatures.Snapshot snapshot = snapshotOf(ctx.readAsset(DATASET));
        Path championFile = Path.of(String.valueOf(current.metadata("modelFile")));
        if (!Files.isReadable(championFile)) {
            throw new IllegalStateException("the champion " + MODEL + " v" + current.version() + " has its model"
                    + " file at " + championFile + ", which this worker cannot read; put modelDir on storage every"
                    + " worker sees");
        }
        ChannelFeatures.Rows heldOut;
        try (Connection jdbc = warehouse(ctx)) {
            heldOut = ChannelFeatures.rows(jdbc, snapshot, ChannelFeatures.Split.HELD_OUT);
        }
        byte[] championModel = Files.readAllBytes(championFile);
        double threshold = ((Number) current.metadata().getOrDefault("threshold", 0.5)).doubleValue();
        double championAuc = ChannelModels.measure(ChannelModels.score(championModel, heldOut), heldOut, threshold)
                .auc();
        double gain = best.auc() - championAuc;
        boolean promote = gain >= margin;
        String reason = String.format(Locale.ROOT, "%s (v%d) has AUC %.4f against the champion v%d's %.4f on the"
                        + " same %d held-out rows: %+.4f, %s the margin %.4f", best.candidate(), best.version(),
                best.auc(), current.version(), championAuc, heldOut.count(), gain,
                promote ? "at least" : "below", margin);
        String approvedBy = null;
        double approvalMargin = ctx.param("approvalMargin", Double.class);
        if (promote && gain < approvalMargin) {
            // Everything above runs again when the decision resumes the task: it is deterministic and cheap.
            HumanDecision decision = ctx.awaitHuman(HumanRequest.ask(String.format(Locale.ROOT,
                            "Promote %s v%d to production? It beats the champion v%d by %+.4f AUC", best.candidate(),
                            best.version(), current.version(), gain))
                    .body(String.format(Locale.ROOT, "%s.%n%nA gain below %.4f needs a person's approval. Compare the"
                            + " versions on the asset page of %s before you decide.", reason, approvalMargin, MODEL))
                    .options("promote", "keep")
                    .timeout(Duration.ofHours(24)).onTimeout("keep"));
            promote = decision.is("promote");
            reason = reason + (decision.timedOut() ? "; nobody approved it within 24 h, so the champion is kept"
                    : promote ? "; approved by " + decision.decidedBy() : "; refused by " + decision.decidedBy()
                    + (decision.comment() == null ? "" : ": " + decision.comment()));
            approvedBy = promote ? decision.decidedBy() : null;
        }
        if (promote) {
            ctx.moveAssetAlias(MODEL, PRODUCTION, best.version(), current.version(), reason);
            ctx.log("promoted: " + reason);
        } else {
            ctx.log("champion kept: " + reason);
        }
        return new Decision(promote, best.version(), best.candidate(), best.auc(), current.version(), championAuc,
                margin, reason, approvedBy);
    }

    /** The snapshot a model or dataset version recorded. */
    static ChannelFeatures.Snapshot snapshotOf(AssetVersionInfo version) {
        Map<String, Object> m = version.metadata();
        return new ChannelFeatures.Snapshot(String.valueOf(m.get("schema")),
                m.containsKey("latest") ? Instant.parse(String.valueOf(m.get("latest"))) : null,
                Instant.parse(String.valueOf(m.get("cutoff"))),
                m.containsKey("interactions") ? ((Number) m.get("interactions")).longValue() : 0,
                ((Number) m.get("sampleEvery")).intValue());
    }

    static Connection warehouse(TaskContext ctx) throws SQLException {
        return DemoWarehouse.open(ctx.connection(ctx.param("connection", String.class)));
    }

    private static Path modelDir(TaskContext ctx) {
        String configured = ctx.param("modelDir", String.class);
        return configured == null || configured.isBlank() ? RagIndexes.galeHome().resolve("models")
                : Path.of(configured);
    }

    /** Written under a temporary name and moved, so a reader never sees half a model. */
    static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial-" + ProcessHandle.current().pid());
        Files.write(partial, bytes);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static double round(double value) {
        return Math.round(value * 1e6) / 1e6;
    }
}

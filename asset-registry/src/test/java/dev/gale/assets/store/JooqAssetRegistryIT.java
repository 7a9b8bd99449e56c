package dev.gale.assets.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.gale.assets.Asset;
import dev.gale.assets.AssetKind;
import dev.gale.assets.AssetQuery;
import dev.gale.assets.AssetReference;
import dev.gale.assets.AssetReference.Direction;
import dev.gale.assets.AssetVersion;
import dev.gale.assets.LineageGraph;
import dev.gale.assets.NewAssetVersion;
import dev.gale.assets.ProducingTask;
import dev.gale.assets.SeriesPoint;
import dev.gale.testing.TestPostgres;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JooqAssetRegistryIT {
    private static final AtomicLong TASK_INSTANCES = new AtomicLong();
    private DSLContext dsl;
    private JooqAssetRegistry registry;

    @BeforeEach
    void freshDatabase() {
        DataSource dataSource = TestPostgres.newDatabase().dataSource();
        AssetMigrations.migrate(dataSource);
        dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        registry = new JooqAssetRegistry(dsl);
    }

    private static ProducingTask task(String dagId, String runId, String taskId) {
        return new ProducingTask(dagId, 1, runId, taskId, -1, 1, TASK_INSTANCES.incrementAndGet(), "worker-1");
    }

    private AssetVersion emit(String asset, ProducingTask producer, String metadata) {
        return registry.recordVersion(new NewAssetVersion(asset, producer, "event-" + System.nanoTime(), null, metadata));
    }

    @Test
    void declaredAssetsAreCreatedOnceWithAKindFromTheirNameAndRememberWhoUsesThem() {
        List<AssetReference> refs = List.of(
                new AssetReference("model://churn", "train", "fit", Direction.OUTLET, "ml", List.of("daily", "ml")),
                new AssetReference("model://churn", "report", "score", Direction.INLET, "bi", List.of("bi")),
                new AssetReference("s3://bucket/docs", "train", "load", Direction.INLET));

        registry.declare(refs);
        registry.declare(refs);

        List<Asset> all = registry.list(new AssetQuery(null, null, null, 100, 0)).assets();
        assertThat(all).extracting(Asset::name, Asset::kind, Asset::owner, Asset::tags).containsExactly(
                tuple("model://churn", AssetKind.MODEL, "ml", List.of("daily", "ml")),
                tuple("s3://bucket/docs", AssetKind.DATASET, "", List.of()));
        assertThat(registry.references("model://churn")).extracting(AssetReference::dagId, AssetReference::direction)
                .containsExactly(tuple("report", Direction.INLET), tuple("train", Direction.OUTLET));
        assertThat(registry.list(new AssetQuery(AssetKind.DATASET, null, null, 100, 0)).assets())
                .extracting(Asset::name).containsExactly("s3://bucket/docs");
        assertThat(registry.list(new AssetQuery(null, "model://", "ml", 100, 0)).totalEntries()).isEqualTo(1);
        assertThat(registry.list(new AssetQuery(null, null, "bi", 100, 0)).assets()).isEmpty();
    }

    @Test
    void versionsAreNumberedWithoutGapsUnderConcurrentEmitsAndARepeatedEmitRecordsOneVersion() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<AssetVersion>> emits = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int n = i;
            emits.add(threads.submit(() -> emit("model://m", task("train", "run_" + n, "fit"),
                    "{\"rmse\": " + (1.0 / (n + 1)) + "}")));
        }
        List<Integer> numbers = new ArrayList<>();
        for (Future<AssetVersion> emit : emits) {
            numbers.add(emit.get().version());
        }
        threads.shutdown();
        Collections.sort(numbers);
        assertThat(numbers).isEqualTo(java.util.stream.IntStream.rangeClosed(1, 40).boxed().toList());

        ProducingTask producer = task("train", "run_again", "fit");
        NewAssetVersion once = new NewAssetVersion("model://m", producer, "same-event", "sha256:ab", "{\"rmse\": 0.1}");
        AssetVersion first = registry.recordVersion(once);
        AssetVersion repeated = registry.recordVersion(once);
        assertThat(repeated).isEqualTo(first);
        assertThat(first.version()).isEqualTo(41);
        assertThat(first.producedBy()).isEqualTo("task train.fit attempt 1 of run run_again (DAG version 1) on worker"
                + " worker-1");
        assertThat(registry.version("model://m", 0)).contains(first);
        assertThat(registry.versions(first.assetId(), 10, 0).versions()).extracting(AssetVersion::version)
                .startsWith(41, 40, 39);
        assertThat(registry.versions(first.assetId(), List.of(3, 41, 99))).extracting(AssetVersion::version)
                .containsExactly(3, 41);
    }

    @Test
    void versionsCannotBeChangedOrDeleted() {
        AssetVersion version = emit("model://m", task("train", "r1", "fit"), "{\"rmse\": 0.5}");

        assertThatThrownBy(() -> dsl.execute("update gale_assets.asset_version set metadata = '{}' where id = ?",
                version.id())).hasMessageContaining("asset versions are immutable");
        assertThatThrownBy(() -> dsl.execute("delete from gale_assets.asset_version where id = ?", version.id()))
                .hasMessageContaining("asset versions are immutable");
        assertThat(registry.version("model://m", 1).orElseThrow().metadataJson()).isEqualTo("{\"rmse\": 0.5}");
    }

    @Test
    void aMetadataFieldIsReadAcrossVersionsOldestFirst() {
        emit("model://m", task("train", "r1", "fit"), "{\"rmse\": 0.5, \"epochs\": 10}");
        emit("model://m", task("train", "r2", "fit"), "{\"epochs\": 20}");
        AssetVersion third = emit("model://m", task("train", "r3", "fit"), "{\"rmse\": 0.25}");

        assertThat(registry.metadataSeries(third.assetId(), "rmse"))
                .extracting(SeriesPoint::version, SeriesPoint::runId, SeriesPoint::valueJson)
                .containsExactly(tuple(1, "r1", "0.5"), tuple(2, "r2", null), tuple(3, "r3", "0.25"));
    }

    @Test
    void pendingVersionsAreHandledOnceBySchedulersClaimingThemAtOnce() throws Exception {
        for (int i = 0; i < 50; i++) {
            emit("model://m", task("train", "r" + i, "fit"), "{}");
        }
        List<Long> handled = Collections.synchronizedList(new ArrayList<>());
        ExecutorService schedulers = Executors.newFixedThreadPool(3);
        List<Future<?>> passes = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            passes.add(schedulers.submit(() -> {
                while (registry.handlePendingVersions(7, v -> handled.add(v.id())) > 0) {
                    Thread.onSpinWait();
                }
            }));
        }
        for (Future<?> pass : passes) {
            pass.get();
        }
        schedulers.shutdown();

        assertThat(handled).hasSize(50).doesNotHaveDuplicates();
        assertThat(registry.handlePendingVersions(10, v -> handled.add(v.id()))).isZero();
    }

    @Test
    void aDagOnAllOfSeveralAssetsCompletesOnlyWhenEachHasANewVersion() {
        List<String> required = List.of("dataset://a", "dataset://b");
        List<List<Integer>> completed = new ArrayList<>();
        AssetVersion a1 = emit("dataset://a", task("load", "r1", "a"), "{}");
        AssetVersion a2 = emit("dataset://a", task("load", "r2", "a"), "{}");
        registry.queueForAllOf("join", a1, required, c -> completed.add(c.stream().map(AssetVersion::version).toList()));
        registry.queueForAllOf("join", a2, required, c -> completed.add(c.stream().map(AssetVersion::version).toList()));
        assertThat(completed).isEmpty();

        AssetVersion b1 = emit("dataset://b", task("load", "r3", "b"), "{}");
        registry.queueForAllOf("join", b1, required, c -> completed.add(c.stream().map(AssetVersion::version).toList()));
        assertThat(completed).containsExactly(List.of(2, 1));

        AssetVersion b2 = emit("dataset://b", task("load", "r4", "b"), "{}");
        registry.queueForAllOf("join", b2, required, c -> completed.add(c.stream().map(AssetVersion::version).toList()));
        assertThat(completed).hasSize(1);
    }

    @Test
    void lineageLinksAssetsThroughTheTasksThatReadAndWriteThemAcrossDags() {
        registry.declare(List.of(
                new AssetReference("s3://raw", "ingest", "load", Direction.OUTLET),
                new AssetReference("s3://raw", "train", "fit", Direction.INLET),
                new AssetReference("model://m", "train", "fit", Direction.OUTLET),
                new AssetReference("model://m", "report", "write", Direction.INLET),
                new AssetReference("report://r", "report", "write", Direction.OUTLET)));
        ProducingTask fit = task("train", "train_run", "fit");
        AssetVersion raw = emit("s3://raw", task("ingest", "ingest_run", "load"), "{}");
        registry.recordRead(raw, fit);
        registry.recordRead(raw, fit);
        AssetVersion model = emit("model://m", fit, "{}");

        LineageGraph near = registry.lineageOfAsset(model.assetId(), 1);
        assertThat(near.edges()).extracting(LineageGraph.Edge::from, LineageGraph.Edge::to).containsExactlyInAnyOrder(
                tuple("asset:model://m", "task:report.write"), tuple("task:train.fit", "asset:model://m"),
                tuple("asset:s3://raw", "task:train.fit"), tuple("task:report.write", "asset:report://r"));
        LineageGraph far = registry.lineageOfAsset(model.assetId(), 3);
        assertThat(far.nodes()).extracting(LineageGraph.Node::id).contains("task:ingest.load");

        LineageGraph run = registry.lineageOfRun("train_run");
        assertThat(run.edges()).extracting(LineageGraph.Edge::from, LineageGraph.Edge::to, LineageGraph.Edge::kind)
                .containsExactly(tuple("asset:s3://raw@1", "task:train.fit", "reads"),
                        tuple("task:train.fit", "asset:model://m@1", "writes"));
        assertThat(registry.readingRuns(raw.id())).containsExactly("train_run");
    }
}

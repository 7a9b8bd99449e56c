package dev.gale.assets.store;

import static dev.gale.assets.store.jooq.Tables.ASSET;
import static dev.gale.assets.store.jooq.Tables.ASSET_DAG_QUEUE;
import static dev.gale.assets.store.jooq.Tables.ASSET_REFERENCE;
import static dev.gale.assets.store.jooq.Tables.ASSET_VERSION;
import static dev.gale.assets.store.jooq.Tables.ASSET_VERSION_PENDING;
import static dev.gale.assets.store.jooq.Tables.ASSET_VERSION_READ;

import dev.gale.assets.Asset;
import dev.gale.assets.AssetKind;
import dev.gale.assets.AssetPage;
import dev.gale.assets.AssetQuery;
import dev.gale.assets.AssetReference;
import dev.gale.assets.AssetRegistry;
import dev.gale.assets.AssetVersion;
import dev.gale.assets.LineageGraph;
import dev.gale.assets.NewAssetVersion;
import dev.gale.assets.ProducingTask;
import dev.gale.assets.SeriesPoint;
import dev.gale.assets.UnknownAssetException;
import dev.gale.assets.VersionPage;
import dev.gale.assets.store.jooq.tables.records.AssetVersionRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** The asset registry on PostgreSQL. */
public final class JooqAssetRegistry implements AssetRegistry {
    private static final Field<Integer> LATEST_VERSION = DSL.field(DSL.select(DSL.coalesce(DSL.max(ASSET_VERSION.VERSION), 0))
            .from(ASSET_VERSION).where(ASSET_VERSION.ASSET_ID.eq(ASSET.ID))).as("latest_version");

    private final DSLContext dsl;
    private final Lineage lineage;

    public JooqAssetRegistry(DSLContext dsl) {
        this.dsl = dsl;
        this.lineage = new Lineage(dsl);
    }

    @Override
    public void declare(Collection<AssetReference> references) {
        if (references.isEmpty()) {
            return;
        }
        dsl.transaction(tx -> {
            DSLContext db = tx.dsl();
            for (AssetReference ref : references) {
                db.insertInto(ASSET, ASSET.NAME, ASSET.KIND)
                        .values(ref.assetName(), AssetKind.fromName(ref.assetName()).wireName())
                        .onConflictDoNothing().execute();
                db.insertInto(ASSET_REFERENCE, ASSET_REFERENCE.ASSET_ID, ASSET_REFERENCE.DAG_ID,
                                ASSET_REFERENCE.TASK_ID, ASSET_REFERENCE.DIRECTION)
                        .select(db.select(ASSET.ID, DSL.val(ref.dagId()), DSL.val(ref.taskId()),
                                        DSL.val(ref.direction().name().toLowerCase(Locale.ROOT)))
                                .from(ASSET).where(ASSET.NAME.eq(ref.assetName())))
                        .onConflictDoNothing().execute();
                if (ref.direction() == AssetReference.Direction.OUTLET) {
                    // An asset belongs to whoever writes it; tags of every writing DAG add up.
                    db.update(ASSET)
                            .set(ASSET.OWNER, DSL.when(DSL.val(ref.owner()).eq(""), ASSET.OWNER).otherwise(ref.owner()))
                            .set(ASSET.TAGS, DSL.field("array(select distinct unnest({0} || {1}::text[]) order by 1)",
                                    String[].class, ASSET.TAGS, DSL.val(ref.tags().toArray(String[]::new))))
                            .where(ASSET.NAME.eq(ref.assetName())).execute();
                }
            }
        });
    }

    @Override
    public AssetPage list(AssetQuery query) {
        List<Condition> where = new ArrayList<>();
        if (query.kind() != null) {
            where.add(ASSET.KIND.eq(query.kind().wireName()));
        }
        if (query.namePrefix() != null) {
            where.add(ASSET.NAME.startsWith(query.namePrefix()));
        }
        if (query.tag() != null) {
            where.add(DSL.condition("{0} = any({1})", DSL.val(query.tag()), ASSET.TAGS));
        }
        int total = dsl.fetchCount(ASSET, where);
        List<Asset> assets = dsl.select(ASSET.asterisk(), LATEST_VERSION).from(ASSET).where(where)
                .orderBy(ASSET.NAME).limit(query.limit()).offset(query.offset())
                .fetch(JooqAssetRegistry::toAsset);
        return new AssetPage(assets, total);
    }

    @Override
    public Optional<Asset> find(long assetId) {
        return dsl.select(ASSET.asterisk(), LATEST_VERSION).from(ASSET).where(ASSET.ID.eq(assetId))
                .fetchOptional(JooqAssetRegistry::toAsset);
    }

    @Override
    public Optional<Asset> findByName(String name) {
        return dsl.select(ASSET.asterisk(), LATEST_VERSION).from(ASSET).where(ASSET.NAME.eq(name))
                .fetchOptional(JooqAssetRegistry::toAsset);
    }

    @Override
    public List<AssetReference> references(String assetName) {
        return dsl.select(ASSET_REFERENCE.DAG_ID, ASSET_REFERENCE.TASK_ID, ASSET_REFERENCE.DIRECTION)
                .from(ASSET_REFERENCE).join(ASSET).on(ASSET.ID.eq(ASSET_REFERENCE.ASSET_ID))
                .where(ASSET.NAME.eq(assetName))
                .orderBy(ASSET_REFERENCE.DAG_ID, ASSET_REFERENCE.TASK_ID)
                .fetch(r -> new AssetReference(assetName, r.value1(), r.value2(),
                        AssetReference.Direction.valueOf(r.value3().toUpperCase(Locale.ROOT))));
    }

    @Override
    public AssetVersion recordVersion(NewAssetVersion version) {
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            ProducingTask producer = version.producer();
            db.insertInto(ASSET, ASSET.NAME, ASSET.KIND)
                    .values(version.assetName(), AssetKind.fromName(version.assetName()).wireName())
                    .onConflictDoNothing().execute();
            // The asset's row lock hands out version numbers one at a time, without gaps.
            long assetId = db.select(ASSET.ID).from(ASSET).where(ASSET.NAME.eq(version.assetName())).forUpdate()
                    .fetchSingle(ASSET.ID);
            AssetVersionRecord earlier = db.selectFrom(ASSET_VERSION)
                    .where(ASSET_VERSION.TASK_INSTANCE_ID.eq(producer.taskInstanceId()),
                            ASSET_VERSION.EVENT_ID.eq(version.eventId()))
                    .fetchOne();
            if (earlier != null) {
                return toVersion(earlier, version.assetName());
            }
            int next = db.select(DSL.coalesce(DSL.max(ASSET_VERSION.VERSION), 0)).from(ASSET_VERSION)
                    .where(ASSET_VERSION.ASSET_ID.eq(assetId)).fetchSingle().value1() + 1;
            AssetVersionRecord created = db.insertInto(ASSET_VERSION)
                    .set(ASSET_VERSION.ASSET_ID, assetId)
                    .set(ASSET_VERSION.VERSION, next)
                    .set(ASSET_VERSION.DAG_ID, producer.dagId())
                    .set(ASSET_VERSION.DAG_VERSION, producer.dagVersion())
                    .set(ASSET_VERSION.RUN_ID, producer.runId())
                    .set(ASSET_VERSION.TASK_ID, producer.taskId())
                    .set(ASSET_VERSION.MAP_INDEX, producer.mapIndex())
                    .set(ASSET_VERSION.ATTEMPT, producer.attempt())
                    .set(ASSET_VERSION.TASK_INSTANCE_ID, producer.taskInstanceId())
                    .set(ASSET_VERSION.PRODUCED_BY, producer.describe())
                    .set(ASSET_VERSION.EVENT_ID, version.eventId())
                    .set(ASSET_VERSION.FINGERPRINT, version.fingerprint())
                    .set(ASSET_VERSION.METADATA, JSONB.valueOf(version.metadataJson()))
                    .returning().fetchSingle();
            db.insertInto(ASSET_VERSION_PENDING, ASSET_VERSION_PENDING.ASSET_VERSION_ID).values(created.getId())
                    .execute();
            return toVersion(created, version.assetName());
        });
    }

    @Override
    public Optional<AssetVersion> version(String assetName, int version) {
        Condition which = version == 0 ? ASSET_VERSION.VERSION.eq(DSL.select(DSL.max(ASSET_VERSION.VERSION))
                .from(ASSET_VERSION).where(ASSET_VERSION.ASSET_ID.eq(ASSET.ID)))
                : ASSET_VERSION.VERSION.eq(version);
        return dsl.select(ASSET_VERSION.asterisk(), ASSET.NAME).from(ASSET_VERSION)
                .join(ASSET).on(ASSET.ID.eq(ASSET_VERSION.ASSET_ID))
                .where(ASSET.NAME.eq(assetName), which)
                .fetchOptional(JooqAssetRegistry::toVersion);
    }

    @Override
    public VersionPage versions(long assetId, int limit, int offset) {
        int total = dsl.fetchCount(ASSET_VERSION, ASSET_VERSION.ASSET_ID.eq(assetId));
        List<AssetVersion> page = dsl.select(ASSET_VERSION.asterisk(), ASSET.NAME).from(ASSET_VERSION)
                .join(ASSET).on(ASSET.ID.eq(ASSET_VERSION.ASSET_ID))
                .where(ASSET_VERSION.ASSET_ID.eq(assetId))
                .orderBy(ASSET_VERSION.VERSION.desc()).limit(limit).offset(offset)
                .fetch(JooqAssetRegistry::toVersion);
        return new VersionPage(page, total);
    }

    @Override
    public List<AssetVersion> versions(long assetId, List<Integer> numbers) {
        Map<Integer, AssetVersion> found = dsl.select(ASSET_VERSION.asterisk(), ASSET.NAME).from(ASSET_VERSION)
                .join(ASSET).on(ASSET.ID.eq(ASSET_VERSION.ASSET_ID))
                .where(ASSET_VERSION.ASSET_ID.eq(assetId), ASSET_VERSION.VERSION.in(numbers))
                .fetch(JooqAssetRegistry::toVersion).stream()
                .collect(Collectors.toMap(AssetVersion::version, v -> v));
        return numbers.stream().filter(found::containsKey).map(found::get).toList();
    }

    @Override
    public List<SeriesPoint> metadataSeries(long assetId, String field) {
        Field<JSONB> value = DSL.field("{0} -> {1}", JSONB.class, ASSET_VERSION.METADATA, DSL.val(field));
        return dsl.select(ASSET_VERSION.VERSION, ASSET_VERSION.CREATED_AT, ASSET_VERSION.RUN_ID, value)
                .from(ASSET_VERSION).where(ASSET_VERSION.ASSET_ID.eq(assetId))
                .orderBy(ASSET_VERSION.VERSION)
                .fetch(r -> new SeriesPoint(r.value1(), r.value2().toInstant(), r.value3(),
                        r.value4() == null ? null : r.value4().data()));
    }

    @Override
    public void recordRead(AssetVersion version, ProducingTask reader) {
        dsl.insertInto(ASSET_VERSION_READ)
                .set(ASSET_VERSION_READ.ASSET_VERSION_ID, version.id())
                .set(ASSET_VERSION_READ.TASK_INSTANCE_ID, reader.taskInstanceId())
                .set(ASSET_VERSION_READ.DAG_ID, reader.dagId())
                .set(ASSET_VERSION_READ.RUN_ID, reader.runId())
                .set(ASSET_VERSION_READ.TASK_ID, reader.taskId())
                .set(ASSET_VERSION_READ.MAP_INDEX, reader.mapIndex())
                .onConflictDoNothing().execute();
    }

    @Override
    public List<String> readingRuns(long assetVersionId) {
        return dsl.selectDistinct(ASSET_VERSION_READ.RUN_ID, DSL.min(ASSET_VERSION_READ.READ_AT))
                .from(ASSET_VERSION_READ).where(ASSET_VERSION_READ.ASSET_VERSION_ID.eq(assetVersionId))
                .groupBy(ASSET_VERSION_READ.RUN_ID).orderBy(DSL.min(ASSET_VERSION_READ.READ_AT))
                .fetch(ASSET_VERSION_READ.RUN_ID);
    }

    @Override
    public LineageGraph lineageOfAsset(long assetId, int depth) {
        if (find(assetId).isEmpty()) {
            throw new UnknownAssetException("asset " + assetId + " does not exist");
        }
        return lineage.aroundAsset(assetId, depth);
    }

    @Override
    public LineageGraph lineageOfRun(String runId) {
        return lineage.ofRun(runId);
    }

    @Override
    public int handlePendingVersions(int max, Consumer<AssetVersion> handler) {
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            List<Long> claimed = db.select(ASSET_VERSION_PENDING.ASSET_VERSION_ID).from(ASSET_VERSION_PENDING)
                    .orderBy(ASSET_VERSION_PENDING.ASSET_VERSION_ID).limit(max).forUpdate().skipLocked()
                    .fetch(ASSET_VERSION_PENDING.ASSET_VERSION_ID);
            if (claimed.isEmpty()) {
                return 0;
            }
            db.select(ASSET_VERSION.asterisk(), ASSET.NAME).from(ASSET_VERSION)
                    .join(ASSET).on(ASSET.ID.eq(ASSET_VERSION.ASSET_ID))
                    .where(ASSET_VERSION.ID.in(claimed)).orderBy(ASSET_VERSION.ID)
                    .fetch(JooqAssetRegistry::toVersion)
                    .forEach(handler);
            db.deleteFrom(ASSET_VERSION_PENDING).where(ASSET_VERSION_PENDING.ASSET_VERSION_ID.in(claimed)).execute();
            return claimed.size();
        });
    }

    @Override
    public void queueForAllOf(String dagId, AssetVersion version, List<String> requiredAssets,
                              Consumer<List<AssetVersion>> onComplete) {
        dsl.transaction(tx -> {
            DSLContext db = tx.dsl();
            // The DAG may have no queued row yet to lock, so the DAG's queue is locked by name.
            db.select(DSL.field("pg_advisory_xact_lock(hashtext({0}))", Object.class, DSL.val("gale_assets:" + dagId)))
                    .fetch();
            db.insertInto(ASSET_DAG_QUEUE, ASSET_DAG_QUEUE.DAG_ID, ASSET_DAG_QUEUE.ASSET_ID,
                            ASSET_DAG_QUEUE.ASSET_VERSION_ID)
                    .values(dagId, version.assetId(), version.id())
                    .onConflict(ASSET_DAG_QUEUE.DAG_ID, ASSET_DAG_QUEUE.ASSET_ID).doUpdate()
                    .set(ASSET_DAG_QUEUE.ASSET_VERSION_ID, DSL.greatest(ASSET_DAG_QUEUE.ASSET_VERSION_ID,
                            DSL.excluded(ASSET_DAG_QUEUE.ASSET_VERSION_ID)))
                    .execute();
            Map<String, AssetVersion> queued = db.select(ASSET_VERSION.asterisk(), ASSET.NAME)
                    .from(ASSET_DAG_QUEUE)
                    .join(ASSET_VERSION).on(ASSET_VERSION.ID.eq(ASSET_DAG_QUEUE.ASSET_VERSION_ID))
                    .join(ASSET).on(ASSET.ID.eq(ASSET_DAG_QUEUE.ASSET_ID))
                    .where(ASSET_DAG_QUEUE.DAG_ID.eq(dagId), ASSET.NAME.in(requiredAssets))
                    .fetch(JooqAssetRegistry::toVersion).stream()
                    .collect(Collectors.toMap(AssetVersion::assetName, v -> v));
            if (!queued.keySet().containsAll(new LinkedHashSet<>(requiredAssets))) {
                return;
            }
            onComplete.accept(requiredAssets.stream().distinct().map(queued::get).toList());
            db.deleteFrom(ASSET_DAG_QUEUE).where(ASSET_DAG_QUEUE.DAG_ID.eq(dagId)).execute();
        });
    }

    private static Asset toAsset(Record r) {
        String[] tags = r.get(ASSET.TAGS);
        return new Asset(r.get(ASSET.ID), r.get(ASSET.NAME), AssetKind.valueOf(r.get(ASSET.KIND).toUpperCase(Locale.ROOT)),
                r.get(ASSET.DESCRIPTION), r.get(ASSET.OWNER), tags == null ? List.of() : Arrays.asList(tags),
                r.get(LATEST_VERSION), r.get(ASSET.CREATED_AT).toInstant());
    }

    static AssetVersion toVersion(Record r) {
        return toVersion(r.into(ASSET_VERSION), r.get(ASSET.NAME));
    }

    private static AssetVersion toVersion(AssetVersionRecord v, String assetName) {
        return new AssetVersion(v.getId(), v.getAssetId(), assetName, v.getVersion(), v.getDagId(), v.getDagVersion(),
                v.getRunId(), v.getTaskId(), v.getMapIndex(), v.getAttempt(), v.getProducedBy(), v.getFingerprint(),
                v.getMetadata().data(), v.getCreatedAt().toInstant());
    }
}

package dev.gale.assets.store;

import static dev.gale.assets.store.jooq.Tables.ASSET;
import static dev.gale.assets.store.jooq.Tables.ASSET_REFERENCE;

import dev.gale.assets.Asset;
import dev.gale.assets.AssetKind;
import dev.gale.assets.AssetReference;
import dev.gale.assets.AssetRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.jooq.DSLContext;

/** The asset registry on PostgreSQL. */
public final class JooqAssetRegistry implements AssetRegistry {
    private final DSLContext dsl;

    public JooqAssetRegistry(DSLContext dsl) {
        this.dsl = dsl;
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
                        .select(db.select(ASSET.ID, org.jooq.impl.DSL.val(ref.dagId()),
                                        org.jooq.impl.DSL.val(ref.taskId()),
                                        org.jooq.impl.DSL.val(ref.direction().name().toLowerCase(Locale.ROOT)))
                                .from(ASSET).where(ASSET.NAME.eq(ref.assetName())))
                        .onConflictDoNothing().execute();
            }
        });
    }

    @Override
    public List<Asset> list() {
        return dsl.selectFrom(ASSET).orderBy(ASSET.NAME)
                .fetch(r -> new Asset(r.getId(), r.getName(), AssetKind.valueOf(r.getKind().toUpperCase(Locale.ROOT)),
                        r.getDescription(), r.getCreatedAt().toInstant()));
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
}

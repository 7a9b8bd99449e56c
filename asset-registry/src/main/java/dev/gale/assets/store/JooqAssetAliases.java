package dev.gale.assets.store;

import static dev.gale.assets.store.jooq.Tables.ASSET;
import static dev.gale.assets.store.jooq.Tables.ASSET_ALIAS;
import static dev.gale.assets.store.jooq.Tables.ASSET_ALIAS_MOVE;
import static dev.gale.assets.store.jooq.Tables.ASSET_ALIAS_MOVE_PENDING;
import static dev.gale.assets.store.jooq.Tables.ASSET_VERSION;

import dev.gale.assets.AliasConflictException;
import dev.gale.assets.AliasMove;
import dev.gale.assets.AliasMoveRequest;
import dev.gale.assets.AssetAlias;
import dev.gale.assets.AssetAliases;
import dev.gale.assets.UnknownAssetException;
import dev.gale.assets.store.jooq.tables.AssetVersion;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.jooq.Record2;

/** Asset aliases on PostgreSQL. */
public final class JooqAssetAliases implements AssetAliases {
    private static final Pattern ALIAS_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

    private final DSLContext dsl;

    public JooqAssetAliases(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public AliasMove move(AliasMoveRequest request) {
        if (!ALIAS_NAME.matcher(request.alias()).matches()) {
            throw new IllegalArgumentException("alias '" + request.alias() + "' is not valid: use lower-case letters,"
                    + " digits, '-' and '_', starting with a letter (at most 63), e.g. 'production'");
        }
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            Long assetId = db.select(ASSET.ID).from(ASSET).where(ASSET.NAME.eq(request.assetName()))
                    .forUpdate().fetchOne(ASSET.ID);
            if (assetId == null) {
                throw new UnknownAssetException("asset " + request.assetName() + " does not exist");
            }
            Long toId = db.select(ASSET_VERSION.ID).from(ASSET_VERSION)
                    .where(ASSET_VERSION.ASSET_ID.eq(assetId), ASSET_VERSION.VERSION.eq(request.toVersion()))
                    .fetchOne(ASSET_VERSION.ID);
            if (toId == null) {
                throw new UnknownAssetException("asset " + request.assetName() + " has no version " + request.toVersion());
            }
            // The asset row lock above serialises moves of its aliases, so this read is the current pointer.
            Record2<Long, Integer> current = db.select(ASSET_ALIAS.ASSET_VERSION_ID, ASSET_VERSION.VERSION)
                    .from(ASSET_ALIAS).join(ASSET_VERSION).on(ASSET_VERSION.ID.eq(ASSET_ALIAS.ASSET_VERSION_ID))
                    .where(ASSET_ALIAS.ASSET_ID.eq(assetId), ASSET_ALIAS.NAME.eq(request.alias()))
                    .fetchOne();
            int fromVersion = current == null ? 0 : current.value2();
            if (request.expectedFromVersion() != null && request.expectedFromVersion() != fromVersion) {
                throw new AliasConflictException("alias " + request.alias() + " of " + request.assetName()
                        + " points at version " + fromVersion + ", not " + request.expectedFromVersion()
                        + " as expected; read it again and decide anew");
            }
            Instant now = Instant.now();
            db.insertInto(ASSET_ALIAS, ASSET_ALIAS.ASSET_ID, ASSET_ALIAS.NAME, ASSET_ALIAS.ASSET_VERSION_ID,
                            ASSET_ALIAS.MOVED_BY, ASSET_ALIAS.MOVED_AT)
                    .values(assetId, request.alias(), toId, request.movedBy(), now.atOffset(ZoneOffset.UTC))
                    .onConflict(ASSET_ALIAS.ASSET_ID, ASSET_ALIAS.NAME).doUpdate()
                    .set(ASSET_ALIAS.ASSET_VERSION_ID, toId)
                    .set(ASSET_ALIAS.MOVED_BY, request.movedBy())
                    .set(ASSET_ALIAS.MOVED_AT, now.atOffset(ZoneOffset.UTC))
                    .execute();
            Long moveId = db.insertInto(ASSET_ALIAS_MOVE, ASSET_ALIAS_MOVE.ASSET_ID, ASSET_ALIAS_MOVE.ALIAS,
                            ASSET_ALIAS_MOVE.FROM_ASSET_VERSION_ID, ASSET_ALIAS_MOVE.TO_ASSET_VERSION_ID,
                            ASSET_ALIAS_MOVE.MOVED_BY, ASSET_ALIAS_MOVE.REASON, ASSET_ALIAS_MOVE.MOVED_AT)
                    .values(assetId, request.alias(), current == null ? null : current.value1(), toId,
                            request.movedBy(), request.reason() == null ? "" : request.reason(),
                            now.atOffset(ZoneOffset.UTC))
                    .returning(ASSET_ALIAS_MOVE.ID)
                    .fetchOne(ASSET_ALIAS_MOVE.ID);
            // In the move's transaction: a move is never committed without the runs it triggers to come.
            db.insertInto(ASSET_ALIAS_MOVE_PENDING, ASSET_ALIAS_MOVE_PENDING.ASSET_ALIAS_MOVE_ID).values(moveId)
                    .execute();
            return new AliasMove(request.assetName(), request.alias(), fromVersion, request.toVersion(),
                    request.movedBy(), request.reason() == null ? "" : request.reason(), now);
        });
    }

    @Override
    public List<AssetAlias> aliases(String assetName) {
        return dsl.select(ASSET_ALIAS.NAME, ASSET_VERSION.VERSION, ASSET_ALIAS.MOVED_BY, ASSET_ALIAS.MOVED_AT)
                .from(ASSET_ALIAS)
                .join(ASSET).on(ASSET.ID.eq(ASSET_ALIAS.ASSET_ID))
                .join(ASSET_VERSION).on(ASSET_VERSION.ID.eq(ASSET_ALIAS.ASSET_VERSION_ID))
                .where(ASSET.NAME.eq(assetName))
                .orderBy(ASSET_ALIAS.NAME)
                .fetch(r -> new AssetAlias(assetName, r.value1(), r.value2(), r.value3(), r.value4().toInstant()));
    }

    @Override
    public Optional<AssetAlias> alias(String assetName, String alias) {
        return aliases(assetName).stream().filter(a -> a.alias().equals(alias)).findFirst();
    }

    @Override
    public List<AliasMove> history(String assetName, String alias) {
        AssetVersion from = ASSET_VERSION.as("from_version");
        AssetVersion to = ASSET_VERSION.as("to_version");
        return dsl.select(from.VERSION, to.VERSION, ASSET_ALIAS_MOVE.MOVED_BY, ASSET_ALIAS_MOVE.REASON,
                        ASSET_ALIAS_MOVE.MOVED_AT)
                .from(ASSET_ALIAS_MOVE)
                .join(ASSET).on(ASSET.ID.eq(ASSET_ALIAS_MOVE.ASSET_ID))
                .join(to).on(to.ID.eq(ASSET_ALIAS_MOVE.TO_ASSET_VERSION_ID))
                .leftJoin(from).on(from.ID.eq(ASSET_ALIAS_MOVE.FROM_ASSET_VERSION_ID))
                .where(ASSET.NAME.eq(assetName), ASSET_ALIAS_MOVE.ALIAS.eq(alias))
                .orderBy(ASSET_ALIAS_MOVE.ID.desc())
                .fetch(r -> new AliasMove(assetName, alias, r.value1() == null ? 0 : r.value1(), r.value2(),
                        r.value3(), r.value4(), r.value5().toInstant()));
    }

    @Override
    public int handlePendingMoves(int max, Consumer<PendingAliasMove> handler) {
        return dsl.transactionResult(tx -> {
            DSLContext db = tx.dsl();
            List<Long> claimed = db.select(ASSET_ALIAS_MOVE_PENDING.ASSET_ALIAS_MOVE_ID).from(ASSET_ALIAS_MOVE_PENDING)
                    .orderBy(ASSET_ALIAS_MOVE_PENDING.ASSET_ALIAS_MOVE_ID).limit(max).forUpdate().skipLocked()
                    .fetch(ASSET_ALIAS_MOVE_PENDING.ASSET_ALIAS_MOVE_ID);
            if (claimed.isEmpty()) {
                return 0;
            }
            AssetVersion from = ASSET_VERSION.as("from_version");
            AssetVersion to = ASSET_VERSION.as("to_version");
            db.select(ASSET_ALIAS_MOVE.ID, ASSET.NAME, ASSET_ALIAS_MOVE.ALIAS, from.VERSION, to.VERSION,
                            ASSET_ALIAS_MOVE.MOVED_BY, ASSET_ALIAS_MOVE.REASON, ASSET_ALIAS_MOVE.MOVED_AT)
                    .from(ASSET_ALIAS_MOVE)
                    .join(ASSET).on(ASSET.ID.eq(ASSET_ALIAS_MOVE.ASSET_ID))
                    .join(to).on(to.ID.eq(ASSET_ALIAS_MOVE.TO_ASSET_VERSION_ID))
                    .leftJoin(from).on(from.ID.eq(ASSET_ALIAS_MOVE.FROM_ASSET_VERSION_ID))
                    .where(ASSET_ALIAS_MOVE.ID.in(claimed))
                    .orderBy(ASSET_ALIAS_MOVE.ID)
                    .fetch(r -> new PendingAliasMove(r.value1(), new AliasMove(r.value2(), r.value3(),
                            r.value4() == null ? 0 : r.value4(), r.value5(), r.value6(), r.value7(),
                            r.value8().toInstant())))
                    .forEach(handler);
            db.deleteFrom(ASSET_ALIAS_MOVE_PENDING).where(ASSET_ALIAS_MOVE_PENDING.ASSET_ALIAS_MOVE_ID.in(claimed))
                    .execute();
            return claimed.size();
        });
    }
}

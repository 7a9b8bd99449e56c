package dev.gale.assets.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.gale.assets.AliasConflictException;
import dev.gale.assets.AliasMove;
import dev.gale.assets.AliasMoveRequest;
import dev.gale.assets.AssetAlias;
import dev.gale.assets.AssetAliases;
import dev.gale.assets.NewAssetVersion;
import dev.gale.assets.ProducingTask;
import dev.gale.assets.UnknownAssetException;
import dev.gale.testing.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JooqAssetAliasesIT {
    private static final String MODEL = "model://channel-recommender";
    private DSLContext dsl;
    private JooqAssetRegistry registry;
    private JooqAssetAliases aliases;

    @BeforeEach
    void freshDatabase() {
        DataSource dataSource = TestPostgres.newDatabase().dataSource();
        AssetMigrations.migrate(dataSource);
        dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
        registry = new JooqAssetRegistry(dsl);
        aliases = new JooqAssetAliases(dsl);
        for (int i = 1; i <= 3; i++) {
            registry.recordVersion(new NewAssetVersion(MODEL,
                    new ProducingTask("retrain_recommender", 1, "run-1", "train", i, 1, i, "worker-1"),
                    "event-" + i, null, "{\"auc\": 0." + (6 + i) + "}"));
        }
    }

    private AliasMove move(int to, Integer expectedFrom, String by) {
        return aliases.move(new AliasMoveRequest(MODEL, "production", to, expectedFrom, by, "beats champion"));
    }

    @Test
    void anAliasPointsAtItsLatestMoveAndRemembersEveryMoveNewestFirst() {
        move(1, 0, "retrain_recommender/run-1/gate#1");
        move(3, 1, "retrain_recommender/run-2/gate#1");
        aliases.move(new AliasMoveRequest(MODEL, "staging", 2, null, "alice", "try it"));

        assertThat(aliases.aliases(MODEL)).extracting(AssetAlias::alias, AssetAlias::version, AssetAlias::movedBy)
                .containsExactly(tuple("production", 3, "retrain_recommender/run-2/gate#1"),
                        tuple("staging", 2, "alice"));
        assertThat(aliases.history(MODEL, "production"))
                .extracting(AliasMove::fromVersion, AliasMove::toVersion, AliasMove::movedBy, AliasMove::reason)
                .containsExactly(tuple(1, 3, "retrain_recommender/run-2/gate#1", "beats champion"),
                        tuple(0, 1, "retrain_recommender/run-1/gate#1", "beats champion"));
        assertThat(aliases.alias(MODEL, "production")).map(AssetAlias::version).contains(3);
    }

    @Test
    void aMoveExpectingAChampionThatWasReplacedIsRefusedAndLeavesTheAliasAlone() {
        move(2, 0, "gate-a");

        assertThatThrownBy(() -> move(3, 1, "gate-b")).isInstanceOf(AliasConflictException.class)
                .hasMessageContaining("points at version 2, not 1");
        assertThatThrownBy(() -> move(3, 0, "gate-b")).isInstanceOf(AliasConflictException.class);
        assertThat(aliases.alias(MODEL, "production")).map(AssetAlias::version).contains(2);
        assertThat(aliases.history(MODEL, "production")).hasSize(1);
    }

    @Test
    void gatesPromotingAtOnceFromTheSameChampionPromoteExactlyOne() throws Exception {
        move(1, 0, "first");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int to : new int[] {2, 3}) {
                results.add(pool.submit(() -> {
                    try {
                        move(to, 1, "gate-" + to);
                        return true;
                    } catch (AliasConflictException refused) {
                        return false;
                    }
                }));
            }
            long promoted = 0;
            for (Future<Boolean> result : results) {
                promoted += result.get() ? 1 : 0;
            }
            assertThat(promoted).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(aliases.history(MODEL, "production")).hasSize(2);
    }

    @Test
    void movesToWhatDoesNotExistOrUnderABadNameAreRefusedSayingWhy() {
        assertThatThrownBy(() -> move(9, null, "x")).isInstanceOf(UnknownAssetException.class)
                .hasMessageContaining("has no version 9");
        assertThatThrownBy(() -> aliases.move(new AliasMoveRequest("model://nope", "production", 1, null, "x", "")))
                .isInstanceOf(UnknownAssetException.class).hasMessageContaining("model://nope does not exist");
        assertThatThrownBy(() -> aliases.move(new AliasMoveRequest(MODEL, "Prod uction", 1, null, "x", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("e.g. 'production'");
        assertThat(aliases.aliases(MODEL)).isEmpty();
    }

    @Test
    void theHistoryOfMovesCannotBeRewritten() {
        move(1, 0, "gate");
        assertThatThrownBy(() -> dsl.execute("update gale_assets.asset_alias_move set moved_by = 'someone else'"))
                .hasMessageContaining("immutable");
    }

    @Test
    void eachCommittedMoveIsHandedOutOnceInOrderAndARefusedOneNever() {
        move(1, 0, "gate-1");
        assertThatThrownBy(() -> move(3, 0, "gate-late")).isInstanceOf(AliasConflictException.class);
        move(2, 1, "alice");

        List<AssetAliases.PendingAliasMove> handed = new ArrayList<>();
        assertThat(aliases.handlePendingMoves(10, handed::add)).isEqualTo(2);
        assertThat(handed).extracting(p -> p.move().fromVersion(), p -> p.move().toVersion(), p -> p.move().movedBy())
                .containsExactly(tuple(0, 1, "gate-1"), tuple(1, 2, "alice"));
        assertThat(handed.get(0).moveId()).isLessThan(handed.get(1).moveId());
        assertThat(aliases.handlePendingMoves(10, handed::add)).isZero();
    }

    @Test
    void aMoveWhoseHandlerFailsIsHandedOutAgain() {
        move(1, 0, "gate-1");
        assertThatThrownBy(() -> aliases.handlePendingMoves(10, p -> {
            throw new IllegalStateException("scheduler died");
        })).hasMessageContaining("scheduler died");
        List<AssetAliases.PendingAliasMove> handed = new ArrayList<>();
        assertThat(aliases.handlePendingMoves(10, handed::add)).isEqualTo(1);
        assertThat(handed).extracting(p -> p.move().toVersion()).containsExactly(1);
    }
}

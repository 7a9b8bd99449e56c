package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A task moves an alias over the TEI (real worker, real gRPC, real PostgreSQL): promoted, a stale move refused, history kept. */
class TaskAliasMovesIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of());

    private JsonNode run() throws Exception {
        JsonNode run = JSON.readTree(gale.post("/api/v1/dags/alias_gate_for_tests/runs?wait=PT30S", "{}").body());
        assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
        return run.get("result");
    }

    @Test
    void aGatePromotesOverTheChampionItReadAndAStaleMoveIsRefusedWithNothingMoved() throws Exception {
        JsonNode first = run();
        assertThat(first.get("championBefore").asInt()).isZero();
        assertThat(first.get("promoted").asInt()).isEqualTo(1);
        assertThat(first.get("staleMove").asString()).contains("points at version 1, not 0");
        assertThat(first.get("championAfter").asInt()).isEqualTo(1);
        assertThat(first.get("missingAlias").asBoolean()).isFalse();

        JsonNode second = run();
        assertThat(second.get("championBefore").asInt()).isEqualTo(1);
        assertThat(second.get("championAfter").asInt()).isEqualTo(2);

        var sql = DSL.using(gale.database.dataSource(), SQLDialect.POSTGRES);
        var moves = sql.fetch("select m.moved_by, m.reason from gale_assets.asset_alias_move m"
                + " join gale_assets.asset a on a.id = m.asset_id where a.name = ? order by m.id", TestDagsAliases.MODEL);
        assertThat(moves).hasSize(2);
        assertThat(moves.get(0).get(0, String.class)).startsWith("task alias_gate_for_tests.gate of run ");
        assertThat(moves.get(1).get(1, String.class)).isEqualTo("auc 0.8 beats v1");
    }
}

package dev.gale.api;

import dev.gale.sdk.AliasMovedException;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A gate in miniature: emits a version, promotes it over the champion it read, and loses a race it is told it lost. */
public final class TestDagsAliases implements DagBundle {
    static final String MODEL = "model://alias-gate-for-tests";

    @Override
    public List<Dag> dags() {
        DagBuilder dag = Dag.builder("alias_gate_for_tests")
                .description("Moves the production alias of a test model from a task, with expectedVersion.");
        var gate = dag.task("gate", ctx -> {
            Map<String, Object> seen = new LinkedHashMap<>();
            int champion = ctx.readAssetAlias(MODEL, "production").map(v -> v.version()).orElse(0);
            seen.put("championBefore", champion);
            int candidate = ctx.emitAsset(MODEL, Map.of("auc", 0.8));
            ctx.moveAssetAlias(MODEL, "production", candidate, champion, "auc 0.8 beats v" + champion);
            seen.put("promoted", candidate);
            try {
                // A stale expectation, as if another gate had promoted meanwhile: refused, nothing moves.
                ctx.moveAssetAlias(MODEL, "production", candidate, champion, "stale");
                seen.put("staleMove", "accepted");
            } catch (AliasMovedException e) {
                seen.put("staleMove", e.getMessage());
            }
            seen.put("championAfter", ctx.readAssetAlias(MODEL, "production").orElseThrow().version());
            seen.put("missingAlias", ctx.readAssetAlias(MODEL, "staging").isPresent());
            return seen;
        }).writes(MODEL);
        return List.of(dag.result(gate).build());
    }
}

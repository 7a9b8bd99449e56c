package dev.gale.api;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.DagBundle;
import java.util.List;
import java.util.Map;

/** DAGs the asset tests need, found through ServiceLoader beside the examples. */
public final class AssetTestDags implements DagBundle {
    @Override
    public List<Dag> dags() {
        DagBuilder undeclared = Dag.builder("emits_undeclared_asset_for_tests")
                .description("Declares one output asset and emits another.");
        undeclared.task("emit", ctx -> ctx.emitAsset("model://not-declared", Map.of("rmse", 1.0)))
                .writes("model://declared");
        return List.of(undeclared.build());
    }
}

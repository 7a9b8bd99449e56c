package dev.gale.examples;

import dev.gale.sdk.AssetVersionInfo;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Task;
import java.util.Map;

/**
 * Runs whenever {@code experiment_demo} records a model version: reads that version (the one that
 * triggered the run, even when several experiments finish at once) and writes a leaderboard entry
 * as a version of {@code report://demo-leaderboard}.
 */
public final class ReportDemo {
    public static final String REPORT = "report://demo-leaderboard";

    private ReportDemo() {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("report_demo")
                .description("Writes a leaderboard entry for each new model version of experiment_demo.")
                .owner("ml-platform").tags("example", "experiment")
                .scheduleOnAnyOf(ExperimentDemo.MODEL);
        Task<String> leaderboard = dag.task("leaderboard", String.class, ctx -> {
            AssetVersionInfo model = ctx.readAsset(ExperimentDemo.MODEL);
            int version = ctx.emitAsset(REPORT, Map.of("modelVersion", model.version(),
                    "rmse", model.metadata("rmse"), "learningRate", model.metadata("learningRate"),
                    "epochs", model.metadata("epochs"), "modelRunId", model.runId()));
            return "report v" + version + ": model v" + model.version() + " has rmse " + model.metadata("rmse");
        }).reads(ExperimentDemo.MODEL).writes(REPORT);
        return dag.result(leaderboard).build();
    }
}

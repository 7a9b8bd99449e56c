package dev.gale.examples;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.sdk.Task;
import dev.gale.sdk.TypeToken;
import java.util.Map;
import java.util.Random;

/**
 * An experiment: fits a linear regression by gradient descent on a generated data set, with the
 * learning rate and number of epochs from conf, and records each trained model as a version of
 * {@code model://demo-regressor} with its RMSE on held-out data beside its hyperparameters.
 */
public final class ExperimentDemo {
    public static final String DATASET = "dataset://demo-regression";
    public static final String MODEL = "model://demo-regressor";
    private static final int ROWS = 200;
    private static final TypeToken<Map<String, Object>> FIGURES = new TypeToken<>() { };

    private ExperimentDemo() {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("experiment_demo")
                .description("Trains a linear regression with conf's hyperparameters and records the model's RMSE.")
                .owner("ml-platform").tags("example", "experiment")
                .param(Param.number("learningRate").defaultValue(0.1).min(0.0001).max(2)
                        .description("Gradient descent step size"))
                .param(Param.integer("epochs").defaultValue(100).min(1).max(100_000)
                        .description("Passes of gradient descent over the training rows"));
        Task<double[][]> generate = dag.task("generate", double[][].class, ctx -> {
            double[][] rows = dataset();
            ctx.emitAsset(DATASET, Map.of("rows", rows.length, "formula", "y = 3x + 2 + noise", "seed", 7));
            return rows;
        }).writes(DATASET);
        Task<Map<String, Object>> train = dag.task("train", FIGURES, generate, (ctx, rows) -> {
            double learningRate = ctx.param("learningRate", Double.class);
            int epochs = ctx.param("epochs", Integer.class);
            int dataVersion = ctx.readAsset(DATASET).version();
            int split = rows.length * 4 / 5;
            double w = 0;
            double b = 0;
            for (int epoch = 0; epoch < epochs; epoch++) {
                double gradW = 0;
                double gradB = 0;
                for (int i = 0; i < split; i++) {
                    double error = w * rows[i][0] + b - rows[i][1];
                    gradW += 2 * error * rows[i][0] / split;
                    gradB += 2 * error / split;
                }
                w -= learningRate * gradW;
                b -= learningRate * gradB;
            }
            double squares = 0;
            for (int i = split; i < rows.length; i++) {
                double error = w * rows[i][0] + b - rows[i][1];
                squares += error * error;
            }
            double rmse = Math.sqrt(squares / (rows.length - split));
            if (!Double.isFinite(rmse) || rmse > 1e6) {
                throw new IllegalArgumentException("training diverged with learningRate " + learningRate
                        + " (rmse " + rmse + "); on this data gradient descent needs a learningRate below about 0.75");
            }
            int version = ctx.emitAsset(MODEL, Map.of("rmse", rmse, "learningRate", learningRate, "epochs", epochs,
                    "weight", w, "bias", b, "datasetVersion", dataVersion));
            ctx.log("model v" + version + ": rmse " + rmse + " with learningRate " + learningRate + ", epochs " + epochs);
            return Map.of("modelVersion", version, "rmse", rmse);
        }).reads(DATASET).writes(MODEL);
        return dag.result(train).build();
    }

    /** The same data every time, so that runs differ only by their hyperparameters. */
    private static double[][] dataset() {
        Random random = new Random(7);
        double[][] rows = new double[ROWS][];
        for (int i = 0; i < ROWS; i++) {
            double x = random.nextDouble();
            rows[i] = new double[] {x, 3 * x + 2 + random.nextGaussian() * 0.1};
        }
        return rows;
    }
}

package dev.gale.examples.recommender;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Population stability index between the feature distributions a model was trained on and those it serves now:
 * PSI = Σ (actual% − expected%) · ln(actual% / expected%) over ten bins cut at the training data's deciles. Below
 * 0.1 is usually read as stable, 0.1–0.25 as a shift worth watching, above 0.25 as a shift that needs retraining.
 */
public final class Drift {
    private static final int BINS = 10;
    /** Keeps an empty bin from dividing by zero, as PSI is usually computed. */
    private static final double FLOOR = 1e-4;

    private Drift() {
    }

    /** PSI of each feature, in {@link ChannelFeatures#NAMES} order. */
    public static Map<String, Double> psiByFeature(ChannelFeatures.Rows trained, ChannelFeatures.Rows serving) {
        Map<String, Double> psi = new LinkedHashMap<>();
        for (int c = 0; c < ChannelFeatures.NAMES.size(); c++) {
            psi.put(ChannelFeatures.NAMES.get(c), psi(column(trained, c), column(serving, c)));
        }
        return psi;
    }

    /** PSI of one feature. */
    static double psi(double[] expected, double[] actual) {
        double[] sorted = expected.clone();
        Arrays.sort(sorted);
        double[] edges = new double[BINS - 1];
        for (int b = 1; b < BINS; b++) {
            edges[b - 1] = sorted[(int) ((long) b * (sorted.length - 1) / BINS)];
        }
        // Features with many equal values (a flag, a count that is mostly 0) share edges: dedupe them.
        edges = Arrays.stream(edges).distinct().toArray();
        double[] e = shares(expected, edges);
        double[] a = shares(actual, edges);
        double psi = 0;
        for (int b = 0; b < e.length; b++) {
            double ei = Math.max(e[b], FLOOR);
            double ai = Math.max(a[b], FLOOR);
            psi += (ai - ei) * Math.log(ai / ei);
        }
        return psi;
    }

    private static double[] shares(double[] values, double[] edges) {
        double[] shares = new double[edges.length + 1];
        for (double v : values) {
            int bin = 0;
            while (bin < edges.length && v > edges[bin]) {
                bin++;
            }
            shares[bin]++;
        }
        for (int b = 0; b < shares.length; b++) {
            shares[b] /= values.length;
        }
        return shares;
    }

    private static double[] column(ChannelFeatures.Rows rows, int c) {
        double[] values = new double[rows.count()];
        for (int i = 0; i < rows.count(); i++) {
            values[i] = rows.feature(i, c);
        }
        return values;
    }
}

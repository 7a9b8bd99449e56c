package dev.gale.examples.recommender;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Training and measuring the channel recommender's candidates with XGBoost4j: gradient-boosted trees
 * ({@code gbtree}) and, as the linear baseline, logistic regression fitted by XGBoost's coordinate descent
 * ({@code gblinear}). Training is seeded and single-threaded per candidate (the DAG trains candidates in parallel),
 * so the same data and configuration give the same model and metrics every day.
 */
public final class ChannelModels {
    /** How many channels a user is shown: precision@K is measured on each held-out user's top K. */
    public static final int TOP_K = 10;

    private ChannelModels() {
    }

    /** One candidate: a name, XGBoost's booster ({@code gbtree} or {@code gblinear}) and its settings. */
    public record Candidate(String name, String booster, int maxDepth, double eta, int rounds, double lambda) {
        public Candidate {
            if (!booster.equals("gbtree") && !booster.equals("gblinear")) {
                throw new IllegalArgumentException("candidate '" + name + "' has booster '" + booster
                        + "'; use gbtree (gradient-boosted trees) or gblinear (the linear baseline)");
            }
            if (rounds < 1 || rounds > 2_000 || eta <= 0 || eta > 1 || maxDepth < 1 || maxDepth > 16 || lambda < 0) {
                throw new IllegalArgumentException("candidate '" + name + "' needs rounds in 1..2000, eta in (0, 1],"
                        + " maxDepth in 1..16 and lambda >= 0; it has rounds " + rounds + ", eta " + eta
                        + ", maxDepth " + maxDepth + ", lambda " + lambda);
            }
        }

        /** XGBoost's parameters for this candidate. */
        Map<String, Object> parameters() {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("objective", "binary:logistic");
            p.put("booster", booster);
            p.put("eta", eta);
            p.put("lambda", lambda);
            p.put("seed", 42);
            p.put("nthread", 1);
            p.put("verbosity", 0);
            if (booster.equals("gbtree")) {
                p.put("max_depth", maxDepth);
                p.put("tree_method", "hist");
            } else {
                p.put("updater", "coord_descent");
                p.put("feature_selector", "cyclic");
            }
            return p;
        }
    }

    /** The candidates compared by default: two tree models and the linear baseline. */
    public static List<Candidate> defaults() {
        return List.of(new Candidate("trees-shallow", "gbtree", 3, 0.3, 60, 1.0),
                new Candidate("trees-deep", "gbtree", 6, 0.1, 150, 1.0),
                new Candidate("linear-baseline", "gblinear", 1, 0.5, 100, 0.0));
    }

    /** How a model did on held-out rows; {@code threshold} is the score above which F1 and precision count a "yes". */
    public record Metrics(double auc, double f1, double precisionAt10, double threshold, int rows, int positives) {
    }

    /** A trained model in XGBoost's UBJSON format. */
    public static byte[] train(Candidate candidate, ChannelFeatures.Rows rows) {
        DMatrix data = matrix(rows);
        try {
            Booster booster = XGBoost.train(data, candidate.parameters(), candidate.rounds(), Map.of(), null, null);
            try {
                return booster.toByteArray("ubj");
            } finally {
                booster.dispose();
            }
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost could not train candidate '" + candidate.name() + "': "
                    + e.getMessage(), e);
        } finally {
            data.dispose();
        }
    }

    /** The model's score (the probability of a "yes") for each row. */
    public static float[] score(byte[] model, ChannelFeatures.Rows rows) {
        DMatrix data = matrix(rows);
        try {
            Booster booster = XGBoost.loadModel(model);
            try {
                float[][] predicted = booster.predict(data);
                float[] scores = new float[predicted.length];
                for (int i = 0; i < predicted.length; i++) {
                    scores[i] = predicted[i][0];
                }
                return scores;
            } finally {
                booster.dispose();
            }
        } catch (XGBoostError | java.io.IOException e) {
            throw new IllegalStateException("XGBoost could not load or apply a model: " + e.getMessage(), e);
        } finally {
            data.dispose();
        }
    }

    /**
     * AUC, F1 at {@code threshold}, and precision@{@value #TOP_K} averaged over users with at least one "yes".
     * Rows must be ordered by user (as {@link ChannelFeatures#rows} returns them).
     */
    public static Metrics measure(float[] scores, ChannelFeatures.Rows rows, double threshold) {
        int truePositives = 0;
        int predicted = 0;
        int positives = 0;
        for (int i = 0; i < rows.count(); i++) {
            boolean yes = rows.labels()[i] > 0.5f;
            positives += yes ? 1 : 0;
            if (scores[i] >= threshold) {
                predicted++;
                truePositives += yes ? 1 : 0;
            }
        }
        double precision = predicted == 0 ? 0 : (double) truePositives / predicted;
        double recall = positives == 0 ? 0 : (double) truePositives / positives;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new Metrics(auc(scores, rows.labels()), f1, precisionAtK(scores, rows), threshold, rows.count(),
                positives);
    }

    /** The threshold that gives the best F1 on these rows: chosen on training rows, then used on held-out ones. */
    public static double bestThreshold(float[] scores, ChannelFeatures.Rows rows) {
        Integer[] order = byScoreDescending(scores, 0, scores.length);
        int positives = 0;
        for (float label : rows.labels()) {
            positives += label > 0.5f ? 1 : 0;
        }
        double best = -1;
        double threshold = 0.5;
        int truePositives = 0;
        for (int k = 0; k < order.length; k++) {
            truePositives += rows.labels()[order[k]] > 0.5f ? 1 : 0;
            if (k + 1 < order.length && scores[order[k + 1]] == scores[order[k]]) {
                continue;
            }
            double f1 = 2.0 * truePositives / (k + 1 + positives);
            if (f1 > best) {
                best = f1;
                threshold = scores[order[k]];
            }
        }
        return threshold;
    }

    /** Area under the ROC curve by ranks (Mann–Whitney U), ties counted as half. */
    static double auc(float[] scores, float[] labels) {
        Integer[] order = byScoreDescending(scores, 0, scores.length);
        long positives = 0;
        long negatives = 0;
        double above = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            long tiedPositives = 0;
            long tiedNegatives = 0;
            while (j < order.length && scores[order[j]] == scores[order[i]]) {
                if (labels[order[j]] > 0.5f) {
                    tiedPositives++;
                } else {
                    tiedNegatives++;
                }
                j++;
            }
            // Every positive ranked above a negative counts once; a tie counts half.
            above += tiedNegatives * (double) positives + tiedNegatives * tiedPositives / 2.0;
            positives += tiedPositives;
            negatives += tiedNegatives;
            i = j;
        }
        if (positives == 0 || negatives == 0) {
            return 0.5;
        }
        return above / ((double) positives * negatives);
    }

    private static double precisionAtK(float[] scores, ChannelFeatures.Rows rows) {
        List<Double> perUser = new ArrayList<>();
        int start = 0;
        while (start < rows.count()) {
            int end = start;
            while (end < rows.count() && rows.users()[end] == rows.users()[start]) {
                end++;
            }
            int yes = 0;
            for (int i = start; i < end; i++) {
                yes += rows.labels()[i] > 0.5f ? 1 : 0;
            }
            if (yes > 0) {
                Integer[] top = byScoreDescending(scores, start, end);
                int hits = 0;
                for (int k = 0; k < Math.min(TOP_K, top.length); k++) {
                    hits += rows.labels()[top[k]] > 0.5f ? 1 : 0;
                }
                perUser.add((double) hits / TOP_K);
            }
            start = end;
        }
        return perUser.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    private static Integer[] byScoreDescending(float[] scores, int from, int to) {
        Integer[] order = new Integer[to - from];
        for (int i = from; i < to; i++) {
            order[i - from] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        return order;
    }

    private static DMatrix matrix(ChannelFeatures.Rows rows) {
        try {
            DMatrix data = new DMatrix(rows.features(), rows.count(), ChannelFeatures.NAMES.size(), Float.NaN);
            data.setLabel(rows.labels());
            return data;
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost could not take the feature rows: " + e.getMessage(), e);
        }
    }
}

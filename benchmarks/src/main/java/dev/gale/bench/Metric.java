package dev.gale.bench;

import java.util.List;

/**
 * One figure of one scenario over its measured runs (warm-up runs excluded).
 *
 * @param ratio this figure against the PostgreSQL baseline, or null for the baseline itself
 * @param ratioMeaning what {@code ratio} counts, in words
 * @param target the target for this figure, or null when it has none
 * @param targetMet whether the median meets {@code target}; null when there is no target
 */
record Metric(String scenario, String name, String unit, List<Double> runs, double median, double min, double max,
              Double ratio, String ratioMeaning, String target, Boolean targetMet) {

    static Metric of(String scenario, String name, String unit, List<Double> runs) {
        List<Double> sorted = runs.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Metric(scenario, name, unit, List.copyOf(runs), median, sorted.getFirst(), sorted.getLast(),
                null, null, null, null);
    }

    Metric withRatio(double value, String meaning) {
        return new Metric(scenario, name, unit, runs, median, min, max, value, meaning, target, targetMet);
    }

    /** Met when the median is at most {@code limit}. */
    Metric atMost(double limit) {
        return withTarget("<= " + format(limit) + " " + unit, median <= limit);
    }

    /** Met when the median is at least {@code limit}. */
    Metric atLeast(double limit) {
        return withTarget(">= " + format(limit) + " " + unit, median >= limit);
    }

    private Metric withTarget(String description, boolean met) {
        return new Metric(scenario, name, unit, runs, median, min, max, ratio, ratioMeaning, description, met);
    }

    static String format(double value) {
        return value >= 100 ? String.format("%,.0f", value) : value >= 10 ? String.format("%.1f", value)
                : value >= 1 ? String.format("%.2f", value) : String.format("%.3f", value);
    }

    /** The p-th percentile (0 to 100) of {@code values}, by the nearest-rank method. */
    static double percentile(List<Double> values, double p) {
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}

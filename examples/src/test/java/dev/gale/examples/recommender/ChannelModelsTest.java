package dev.gale.examples.recommender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ChannelModelsTest {
    private static ChannelFeatures.Rows rows(float[] labels, long... users) {
        return new ChannelFeatures.Rows(labels.length, new float[labels.length * ChannelFeatures.NAMES.size()],
                labels, users);
    }

    @Test
    void aucCountsPairsRankedRightAndTiesAsHalf() {
        float[] labels = {1, 1, 0, 0};
        assertThat(ChannelModels.auc(new float[] {0.9f, 0.8f, 0.2f, 0.1f}, labels)).isEqualTo(1.0);
        assertThat(ChannelModels.auc(new float[] {0.1f, 0.2f, 0.8f, 0.9f}, labels)).isEqualTo(0.0);
        assertThat(ChannelModels.auc(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, labels)).isEqualTo(0.5);
        assertThat(ChannelModels.auc(new float[] {0.9f, 0.3f, 0.5f, 0.1f}, labels)).isEqualTo(0.75);
    }

    @Test
    void precisionAtTenIsAveragedOverUsersWithSomethingToFind() {
        float[] labels = new float[24];
        float[] scores = new float[24];
        long[] users = new long[24];
        for (int i = 0; i < 24; i++) {
            users[i] = i < 12 ? 1 : i < 20 ? 2 : 3;
            scores[i] = 1f - i / 100f;
        }
        labels[0] = 1;
        labels[1] = 1;
        labels[11] = 1;
        ChannelModels.Metrics metrics = ChannelModels.measure(scores, rows(labels, users), 0.5);
        // User 1 has 2 of 3 in its top ten; user 2 and 3 have nothing to find and are left out.
        assertThat(metrics.precisionAt10()).isCloseTo(0.2, within(1e-9));
        assertThat(metrics.positives()).isEqualTo(3);
    }

    @Test
    void theBestThresholdIsTheScoreThatMaximisesF1() {
        float[] scores = {0.9f, 0.8f, 0.7f, 0.6f, 0.1f};
        float[] labels = {1, 1, 0, 1, 0};
        assertThat(ChannelModels.bestThreshold(scores, rows(labels, 1, 1, 1, 1, 1))).isEqualTo(0.6f);
    }

    @Test
    void aBadCandidateIsRefusedSayingWhatIsAllowed() {
        assertThatThrownBy(() -> new ChannelModels.Candidate("x", "random-forest", 3, 0.3, 10, 1))
                .hasMessageContaining("use gbtree").hasMessageContaining("gblinear");
        assertThatThrownBy(() -> new ChannelModels.Candidate("x", "gbtree", 3, 0.3, 0, 1))
                .hasMessageContaining("rounds in 1..2000");
    }

    @Test
    void psiIsZeroForTheSameDistributionAndLargeForAShiftedOne() {
        Random random = new Random(1);
        double[] trained = new double[5_000];
        double[] same = new double[5_000];
        double[] shifted = new double[5_000];
        for (int i = 0; i < trained.length; i++) {
            trained[i] = random.nextGaussian();
            same[i] = random.nextGaussian();
            shifted[i] = random.nextGaussian() + 1;
        }
        assertThat(Drift.psi(trained, trained)).isEqualTo(0.0);
        assertThat(Drift.psi(trained, same)).isLessThan(0.02);
        assertThat(Drift.psi(trained, shifted)).isGreaterThan(0.25);
        // A flag: two values, so two bins, not ten.
        double[] flags = new double[100];
        double[] moreFlags = new double[100];
        for (int i = 0; i < 100; i++) {
            flags[i] = i < 20 ? 1 : 0;
            moreFlags[i] = i < 60 ? 1 : 0;
        }
        assertThat(Drift.psi(flags, moreFlags)).isGreaterThan(0.25);
    }
}

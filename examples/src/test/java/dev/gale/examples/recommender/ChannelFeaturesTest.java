package dev.gale.examples.recommender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.examples.sql.DemoWarehouse;
import dev.gale.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The recommender's SQL features on a seeded demo_warehouse in a real PostgreSQL: they never read personal data
 * (the queries run as a role denied the name and email columns), and XGBoost learns from them.
 */
class ChannelFeaturesTest {
    private static final String NO_PII = "recommender_features_" + ProcessHandle.current().pid();
    private static final int SAMPLE_EVERY = 100;
    private static TestPostgres.Database database;

    @BeforeAll
    static void seed() throws SQLException {
        database = TestPostgres.newDatabase();
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            DemoWarehouse.ensure(c);
            s.execute("CREATE ROLE " + NO_PII + " NOLOGIN");
            s.execute("GRANT USAGE ON SCHEMA demo_warehouse TO " + NO_PII);
            s.execute("GRANT SELECT (user_id, country, plan, signed_up_at) ON demo_warehouse.users TO " + NO_PII);
            s.execute("GRANT SELECT ON demo_warehouse.channels, demo_warehouse.interactions TO " + NO_PII);
        }
    }

    @AfterAll
    static void drop() throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP OWNED BY " + NO_PII);
            s.execute("DROP ROLE " + NO_PII);
        }
        TestPostgres.dropDatabase(database);
    }

    @Test
    void theFeaturesAreComputedWithoutReadingNamesOrEmails() throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("SET ROLE " + NO_PII);
            }
            try {
                readFeaturesAsARoleDeniedPersonalData(c);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("RESET ROLE");
                }
            }
        }
    }

    private static void readFeaturesAsARoleDeniedPersonalData(Connection c) throws SQLException {
        // The role really is denied the personal columns...
        assertThatThrownBy(() -> {
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT email FROM demo_warehouse.users LIMIT 1");
            }
        }).hasMessageContaining("permission denied");
        // ...and every query the DAGs run for features works under it.
        ChannelFeatures.Snapshot snapshot = ChannelFeatures.snapshot(c, DemoWarehouse.SCHEMA, SAMPLE_EVERY);
        ChannelFeatures.Rows train = ChannelFeatures.rows(c, snapshot, ChannelFeatures.Split.TRAIN);
        ChannelFeatures.Rows heldOut = ChannelFeatures.rows(c, snapshot, ChannelFeatures.Split.HELD_OUT);
        ChannelFeatures.Rows serving = ChannelFeatures.rows(c, snapshot.servingNow(), ChannelFeatures.Split.ALL);

        int users = DemoWarehouse.USERS / SAMPLE_EVERY;
        assertThat(train.count() + heldOut.count()).isEqualTo(users * DemoWarehouse.CHANNELS)
                .isEqualTo(serving.count());
        assertThat(heldOut.count()).isEqualTo(users / 5 * DemoWarehouse.CHANNELS);
        assertThat(snapshot.cutoff()).isEqualTo(snapshot.latest().minus(ChannelFeatures.LABEL_WINDOW));
        double positives = 0;
        for (float label : train.labels()) {
            positives += label;
        }
        assertThat(positives).as("users who used a channel after the cutoff").isGreaterThan(100);
    }

    @Test
    void theCandidatesLearnFromTheFeaturesAndTheSameDataGivesTheSameModel() throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            ChannelFeatures.Snapshot snapshot = ChannelFeatures.snapshot(c, DemoWarehouse.SCHEMA, SAMPLE_EVERY);
            ChannelFeatures.Rows train = ChannelFeatures.rows(c, snapshot, ChannelFeatures.Split.TRAIN);
            ChannelFeatures.Rows heldOut = ChannelFeatures.rows(c, snapshot, ChannelFeatures.Split.HELD_OUT);
            for (ChannelModels.Candidate candidate : ChannelModels.defaults()) {
                byte[] model = ChannelModels.train(candidate, train);
                double threshold = ChannelModels.bestThreshold(ChannelModels.score(model, train), train);
                ChannelModels.Metrics metrics = ChannelModels.measure(ChannelModels.score(model, heldOut), heldOut,
                        threshold);
                assertThat(metrics.auc()).as(candidate.name()).isGreaterThan(0.6).isLessThan(1.0);
                assertThat(metrics.precisionAt10()).as(candidate.name()).isGreaterThan(0.0);
                assertThat(ChannelModels.train(candidate, train)).as(candidate.name() + " trained again")
                        .isEqualTo(model);
            }
        }
    }
}

package dev.gale.examples.recommender;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The channel recommender's features, computed in SQL over a warehouse shaped like {@code demo_warehouse}: for a
 * sample of users and every channel, what the user, the channel and the pair did in the {@link #FEATURE_WINDOW}
 * before a cutoff (and which share of the user's interactions were in channels of the channel's topic), and (the label) whether the user used the channel in the {@link #LABEL_WINDOW} after it. The
 * users table is read only for {@code user_id}, {@code plan} and {@code signed_up_at}: its personal data (name,
 * email) never reaches a feature, and a test runs these queries as a role that may not read those columns.
 */
public final class ChannelFeatures {
    /** The features, in column order. */
    public static final List<String> NAMES = List.of("user_events", "user_channels", "channel_events",
            "channel_users", "pair_events", "topic_share", "channel_private", "plan_pro", "plan_enterprise",
            "account_days");
    public static final Duration FEATURE_WINDOW = Duration.ofDays(84);
    public static final Duration LABEL_WINDOW = Duration.ofDays(28);

    /** Which of the sampled users: those trained on, or the held-out fifth every candidate is measured on. */
    public enum Split { TRAIN, HELD_OUT, ALL }

    /**
     * What a training run used: the warehouse's latest interaction, the cutoff between features and labels, the
     * interactions counted, and the sampling (every {@code sampleEvery}-th user).
     */
    public record Snapshot(String schema, Instant latest, Instant cutoff, long interactions, int sampleEvery) {
        /** The cutoff of a serving week: features as of the latest interaction, with no label yet. */
        public Snapshot servingNow() {
            return new Snapshot(schema, latest, latest, interactions, sampleEvery);
        }
    }

    /** Feature rows, row-major in {@link #NAMES} order, with each row's user and label. */
    public record Rows(int count, float[] features, float[] labels, long[] users) {
        public float feature(int row, int column) {
            return features[row * NAMES.size() + column];
        }
    }

    private ChannelFeatures() {
    }

    /** The snapshot of the warehouse now: its labels end at its latest interaction. */
    public static Snapshot snapshot(Connection jdbc, String schema, int sampleEvery) {
        DSLContext db = DSL.using(jdbc, SQLDialect.POSTGRES);
        Record r = db.fetchOne("SELECT max(occurred_at), count(*) FROM " + DSL.name(schema, "interactions"));
        if (r == null || r.get(0) == null) {
            throw new IllegalStateException("schema " + schema + " has no interactions to train on");
        }
        Instant latest = r.get(0, OffsetDateTime.class).toInstant();
        return new Snapshot(schema, latest, latest.minus(LABEL_WINDOW), r.get(1, Long.class), sampleEvery);
    }

    /** The rows of a split of the snapshot's sampled users × every channel, ordered by user then channel. */
    public static Rows rows(Connection jdbc, Snapshot snapshot, Split split) {
        String users = DSL.name(snapshot.schema(), "users").toString();
        String channels = DSL.name(snapshot.schema(), "channels").toString();
        String interactions = DSL.name(snapshot.schema(), "interactions").toString();
        String splitFilter = switch (split) {
            case TRAIN -> " AND (user_id / {1}) % 5 <> 0";
            case HELD_OUT -> " AND (user_id / {1}) % 5 = 0";
            case ALL -> "";
        };
        OffsetDateTime cutoff = snapshot.cutoff().atOffset(ZoneOffset.UTC);
        String sql = """
                WITH sampled AS (
                    SELECT user_id, plan, signed_up_at FROM %1$s WHERE user_id %% {1} = 0%4$s),
                before AS (
                    SELECT user_id, channel_id FROM %3$s WHERE occurred_at >= {2} AND occurred_at < {0}),
                per_user AS (
                    SELECT user_id, count(*) AS events, count(DISTINCT channel_id) AS channels FROM before
                    WHERE user_id IN (SELECT user_id FROM sampled) GROUP BY user_id),
                per_channel AS (
                    SELECT channel_id, count(*) AS events, count(DISTINCT user_id) AS users FROM before
                    GROUP BY channel_id),
                per_pair AS (
                    SELECT user_id, channel_id, count(*) AS events FROM before
                    WHERE user_id IN (SELECT user_id FROM sampled) GROUP BY user_id, channel_id),
                per_topic AS (
                    SELECT b.user_id, c.topic, count(*) AS events FROM before b JOIN %2$s c USING (channel_id)
                    WHERE b.user_id IN (SELECT user_id FROM sampled) GROUP BY b.user_id, c.topic),
                after AS (
                    SELECT DISTINCT user_id, channel_id FROM %3$s WHERE occurred_at >= {0} AND occurred_at < {3}
                    AND user_id IN (SELECT user_id FROM sampled))
                SELECT s.user_id,
                       ln(1 + coalesce(u.events, 0)), ln(1 + coalesce(u.channels, 0)),
                       ln(1 + coalesce(c.events, 0)), ln(1 + coalesce(c.users, 0)), coalesce(p.events, 0),
                       coalesce(t.events, 0)::float8 / greatest(1, coalesce(u.events, 0)), ch.is_private::int, (s.plan = 'pro')::int, (s.plan = 'enterprise')::int,
                       greatest(0, extract(epoch FROM ({0} - s.signed_up_at)) / 86400),
                       (a.user_id IS NOT NULL)::int
                FROM sampled s CROSS JOIN %2$s ch
                LEFT JOIN per_user u ON u.user_id = s.user_id
                LEFT JOIN per_channel c ON c.channel_id = ch.channel_id
                LEFT JOIN per_pair p ON p.user_id = s.user_id AND p.channel_id = ch.channel_id
                LEFT JOIN per_topic t ON t.user_id = s.user_id AND t.topic = ch.topic
                LEFT JOIN after a ON a.user_id = s.user_id AND a.channel_id = ch.channel_id
                ORDER BY s.user_id, ch.channel_id""".formatted(users, channels, interactions, splitFilter);
        DSLContext db = DSL.using(jdbc, SQLDialect.POSTGRES);
        int columns = NAMES.size();
        float[] labels = new float[1 << 13];
        float[] features = new float[labels.length * columns];
        long[] userIds = new long[labels.length];
        int count = 0;
        try (Cursor<Record> cursor = db.resultQuery(sql, DSL.val(cutoff), DSL.val(snapshot.sampleEvery()),
                DSL.val(cutoff.minus(FEATURE_WINDOW)), DSL.val(cutoff.plus(LABEL_WINDOW))).fetchSize(10_000)
                .fetchLazy()) {
            for (Record r : cursor) {
                if (count == labels.length) {
                    labels = Arrays.copyOf(labels, count * 2);
                    features = Arrays.copyOf(features, count * 2 * columns);
                    userIds = Arrays.copyOf(userIds, count * 2);
                }
                userIds[count] = r.get(0, Long.class);
                for (int c = 0; c < columns; c++) {
                    features[count * columns + c] = r.get(c + 1, Double.class).floatValue();
                }
                labels[count] = r.get(columns + 1, Integer.class);
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalStateException("no " + split.name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + " rows: schema " + snapshot.schema() + " has no user whose id is a multiple of "
                    + snapshot.sampleEvery() + "; lower sampleEvery");
        }
        return new Rows(count, Arrays.copyOf(features, count * columns),
                Arrays.copyOf(labels, count), Arrays.copyOf(userIds, count));
    }
}

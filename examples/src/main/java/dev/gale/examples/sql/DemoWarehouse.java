package dev.gale.examples.sql;

import dev.gale.sdk.Connection;
import dev.gale.sdk.TaskContext;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The {@code demo_warehouse} schema the SQL assistant answers about: users (with the PII columns name and email),
 * channels and a few hundred thousand user–channel interactions, all synthetic, generated inside PostgreSQL from a
 * fixed seed so that every warehouse holds the same rows. Created and filled in one transaction under an advisory
 * lock, so two runs at once seed it once and a reader never sees it half filled.
 */
public final class DemoWarehouse {
    public static final String SCHEMA = "demo_warehouse";
    public static final int USERS = 20_000;
    public static final int CHANNELS = 400;
    public static final int INTERACTIONS = 300_000;

    /** What the warehouse holds, and whether this call created it. */
    public record Seeded(boolean created, long users, long channels, long interactions) {
    }

    private DemoWarehouse() {
    }

    /** A JDBC connection to the PostgreSQL a {@code postgres} Connection names ({@code schema} is the database). */
    public static java.sql.Connection open(Connection connection) throws SQLException {
        String type = connection.type() == null ? "" : connection.type().toLowerCase(Locale.ROOT);
        if (!type.equals("postgres") && !type.equals("postgresql")) {
            throw new IllegalArgumentException("connection '" + connection.connId() + "' has type '" + connection.type()
                    + "'; the SQL assistant needs a postgres Connection (host, port, login, password, and the"
                    + " database as its schema)");
        }
        if (connection.host() == null || connection.host().isBlank()) {
            throw new IllegalArgumentException("connection '" + connection.connId() + "' has no host");
        }
        String url = "jdbc:postgresql://" + connection.host() + ":" + (connection.port() == null ? 5432
                : connection.port()) + "/" + (connection.schema() == null ? "postgres" : connection.schema());
        Properties properties = new Properties();
        if (connection.login() != null) {
            properties.setProperty("user", connection.login());
        }
        if (connection.password() != null) {
            properties.setProperty("password", connection.password());
        }
        for (Map.Entry<String, Object> e : connection.extra().entrySet()) {
            if (e.getValue() instanceof String value && !e.getKey().equals("description")) {
                properties.setProperty(e.getKey(), value);
            }
        }
        // The driver itself, not DriverManager: on a worker the driver is in the DAG bundle's class loader, whose
        // drivers DriverManager does not find.
        return new org.postgresql.Driver().connect(url, properties);
    }

    /**
     * The {@code seed_warehouse} task of the DAGs that read the warehouse: seeds {@code demo_warehouse} in the
     * postgres Connection named by param {@code connection}, unless param {@code schema} names another schema.
     */
    public static Object seedTask(TaskContext ctx) throws SQLException {
        String schema = ctx.param("schema", String.class);
        if (!schema.equals(SCHEMA)) {
            return Map.of("seeded", false, "why", "conf schema is " + schema + ", not " + SCHEMA);
        }
        try (java.sql.Connection jdbc = open(ctx.connection(ctx.param("connection", String.class)))) {
            Seeded seeded = ensure(jdbc);
            ctx.log((seeded.created() ? "created " : "found ") + SCHEMA + ": " + seeded.users() + " users, "
                    + seeded.channels() + " channels, " + seeded.interactions() + " interactions");
            return seeded;
        }
    }

    /** Creates and fills {@code demo_warehouse} unless it is there already. */
    public static Seeded ensure(java.sql.Connection jdbc) {
        DSLContext db = DSL.using(jdbc, SQLDialect.POSTGRES);
        return db.transactionResult(tx -> {
            DSLContext in = tx.dsl();
            in.execute("SELECT pg_advisory_xact_lock(hashtext('gale.demo_warehouse'))");
            boolean there = in.fetchOne("SELECT to_regclass('demo_warehouse.interactions') IS NOT NULL")
                    .get(0, Boolean.class);
            if (!there) {
                create(in);
            }
            return new Seeded(!there, count(in, "users"), count(in, "channels"),
                    count(in, "interactions"));
        });
    }

    private static long count(DSLContext db, String table) {
        return db.fetchOne("SELECT count(*) FROM demo_warehouse." + table).get(0, Long.class);
    }

    private static void create(DSLContext db) {
        db.execute("CREATE SCHEMA IF NOT EXISTS demo_warehouse");
        db.execute("""
                CREATE TABLE demo_warehouse.users (
                    user_id bigint PRIMARY KEY,
                    name text NOT NULL,
                    email text NOT NULL UNIQUE,
                    country text NOT NULL,
                    plan text NOT NULL,
                    signed_up_at timestamptz NOT NULL)""");
        db.execute("""
                CREATE TABLE demo_warehouse.channels (
                    channel_id integer PRIMARY KEY,
                    name text NOT NULL UNIQUE,
                    topic text NOT NULL,
                    is_private boolean NOT NULL,
                    created_at timestamptz NOT NULL)""");
        db.execute("""
                CREATE TABLE demo_warehouse.interactions (
                    interaction_id bigint PRIMARY KEY,
                    user_id bigint NOT NULL REFERENCES demo_warehouse.users,
                    channel_id integer NOT NULL REFERENCES demo_warehouse.channels,
                    kind text NOT NULL,
                    occurred_at timestamptz NOT NULL)""");
        // Same seed, same statements, same order: the same rows in every warehouse.
        db.execute("SELECT setseed(0.42)");
        db.execute("""
                INSERT INTO demo_warehouse.users
                SELECT u, first || ' ' || last, lower(first) || '.' || lower(last) || u || '@example.com',
                       (ARRAY['US','DE','FR','GB','IN','BR','JP','CA','AU','NL'])[1 + floor(random() * 10)::int],
                       CASE WHEN r < 0.70 THEN 'free' WHEN r < 0.95 THEN 'pro' ELSE 'enterprise' END,
                       timestamptz '2026-01-01 00:00:00+00' - random() * interval '730 days'
                FROM (SELECT u, random() AS r,
                             (ARRAY['Ada','Ben','Chloe','Dev','Emma','Farid','Grace','Hiro','Ines','Jonas','Kemi',
                                    'Liam','Maya','Noah','Olga','Priya','Quinn','Rosa','Sami','Tara'])
                                 [1 + floor(random() * 20)::int] AS first,
                             (ARRAY['Ahmed','Baker','Chen','Diaz','Evans','Fischer','Garcia','Haddad','Ito','Jones',
                                    'Kowalski','Lopez','Martin','Nakamura','Okafor','Patel','Rossi','Silva','Tanaka',
                                    'Weber'])[1 + floor(random() * 20)::int] AS last
                      FROM generate_series(1, %d) AS u) AS people""".formatted(USERS));
        db.execute("""
                INSERT INTO demo_warehouse.channels
                SELECT c, topic || '-' || c, topic, random() < 0.2,
                       timestamptz '2026-01-01 00:00:00+00' - random() * interval '900 days'
                FROM (SELECT c, (ARRAY['engineering','design','sales','support','marketing','random','data',
                                       'security','product','hiring'])[1 + floor(random() * 10)::int] AS topic
                      FROM generate_series(1, %d) AS c) AS named""".formatted(CHANNELS));
        // Skewed towards low ids (a few busy channels, a few very active users), as real usage is; and each user
        // has a favourite topic, in whose channels 60% of their interactions are, so there is something to
        // recommend (retrain_recommender).
        db.execute("""
                INSERT INTO demo_warehouse.interactions
                SELECT e.i, e.u,
                       CASE WHEN e.affine < 0.6 THEN t.ids[1 + floor(power(e.pick, 2) * cardinality(t.ids))::int]
                            ELSE 1 + floor(power(e.pick, 3) * %2$d)::int END,
                       CASE WHEN e.r < 0.55 THEN 'view' WHEN e.r < 0.80 THEN 'message' WHEN e.r < 0.95 THEN 'reaction'
                            ELSE 'join' END,
                       e.at
                FROM (SELECT i, random() AS r, 1 + floor(power(random(), 2) * %1$d)::bigint AS u, random() AS affine,
                             random() AS pick, timestamptz '2026-01-01 00:00:00+00' - random() * interval '180 days' AS at
                      FROM generate_series(1, %3$d) AS i) AS e
                JOIN (SELECT row_number() OVER (ORDER BY topic) - 1 AS k, array_agg(channel_id ORDER BY channel_id) AS ids
                      FROM demo_warehouse.channels GROUP BY topic) AS t
                  ON t.k = e.u * 7 %% (SELECT count(DISTINCT topic) FROM demo_warehouse.channels)"""
                .formatted(USERS, CHANNELS, INTERACTIONS));
        db.execute("CREATE INDEX ON demo_warehouse.interactions (user_id)");
        db.execute("CREATE INDEX ON demo_warehouse.interactions (channel_id)");
        db.execute("CREATE INDEX ON demo_warehouse.interactions (occurred_at)");
        db.execute("COMMENT ON SCHEMA demo_warehouse IS 'Synthetic workspace chat data for Gale''s examples'");
        db.execute("COMMENT ON TABLE demo_warehouse.users IS 'People with an account; name and email are"
                + " personal data (PII)'");
        db.execute("COMMENT ON COLUMN demo_warehouse.users.user_id IS 'Identifies the user'");
        db.execute("COMMENT ON COLUMN demo_warehouse.users.name IS 'Full name (PII)'");
        db.execute("COMMENT ON COLUMN demo_warehouse.users.email IS 'Email address (PII)'");
        db.execute("COMMENT ON COLUMN demo_warehouse.users.country IS 'Two-letter ISO country code'");
        db.execute("COMMENT ON COLUMN demo_warehouse.users.plan IS 'Subscription plan: free, pro or enterprise'");
        db.execute("COMMENT ON COLUMN demo_warehouse.users.signed_up_at IS 'When the account was created'");
        db.execute("COMMENT ON TABLE demo_warehouse.channels IS 'Chat channels people join and post in'");
        db.execute("COMMENT ON COLUMN demo_warehouse.channels.channel_id IS 'Identifies the channel'");
        db.execute("COMMENT ON COLUMN demo_warehouse.channels.name IS 'Channel name, e.g. engineering-12'");
        db.execute("COMMENT ON COLUMN demo_warehouse.channels.topic IS 'What the channel is about: engineering,"
                + " design, sales, support, marketing, random, data, security, product or hiring'");
        db.execute("COMMENT ON COLUMN demo_warehouse.channels.is_private IS 'True for invitation-only channels'");
        db.execute("COMMENT ON COLUMN demo_warehouse.channels.created_at IS 'When the channel was created'");
        db.execute("COMMENT ON TABLE demo_warehouse.interactions IS 'One thing a user did in a channel'");
        db.execute("COMMENT ON COLUMN demo_warehouse.interactions.interaction_id IS 'Identifies the interaction'");
        db.execute("COMMENT ON COLUMN demo_warehouse.interactions.user_id IS 'Who did it (users.user_id)'");
        db.execute("COMMENT ON COLUMN demo_warehouse.interactions.channel_id IS 'Where (channels.channel_id)'");
        db.execute("COMMENT ON COLUMN demo_warehouse.interactions.kind IS 'What: view, message, reaction or join'");
        db.execute("COMMENT ON COLUMN demo_warehouse.interactions.occurred_at IS 'When it happened'");
    }
}

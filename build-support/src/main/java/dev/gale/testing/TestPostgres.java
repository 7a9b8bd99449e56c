package dev.gale.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL server per test JVM, and a fresh database in it for each caller.
 *
 * <p>Where the server comes from, first match wins: {@code GALE_TEST_DB_URL} (with
 * {@code GALE_TEST_DB_USER} and {@code GALE_TEST_DB_PASSWORD}; the user must be allowed to create
 * databases); Testcontainers, when a Docker engine is reachable; else embedded PostgreSQL binaries.
 */
public final class TestPostgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static Server server;

    /** Connection settings of one database, and a small connection pool to it. */
    public record Database(String jdbcUrl, String user, String password) {
        private static final Map<String, HikariDataSource> POOLS = new ConcurrentHashMap<>();

        /**
         * A pooled data source, one per database and JVM: opening a PostgreSQL connection per
         * statement would make the tests measure connection start-up instead of Gale.
         */
        public DataSource dataSource() {
            return POOLS.computeIfAbsent(jdbcUrl, url -> {
                HikariConfig config = new HikariConfig();
                config.setJdbcUrl(url);
                config.setUsername(user);
                config.setPassword(password);
                config.setMaximumPoolSize(8);
                config.setMinimumIdle(0);
                return new HikariDataSource(config);
            });
        }
    }

    private record Server(String adminUrl, String user, String password, String source) {
    }

    private TestPostgres() {
    }

    /** A new, empty database on the shared server. */
    public static Database newDatabase() {
        Server s = server();
        String name = "gale_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(s.adminUrl, s.user, s.password);
             Statement st = c.createStatement()) {
            st.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database on " + s.source + ": " + e.getMessage(), e);
        }
        return new Database(withDatabase(s.adminUrl, name), s.user, s.password);
    }

    /** Drops a database even while clients are connected, to test how Gale behaves when it vanishes. */
    public static void dropDatabase(Database database) {
        Server s = server();
        String name = database.jdbcUrl().replaceAll("^.*/([^/?]+)(\\?.*)?$", "$1");
        try (Connection c = DriverManager.getConnection(s.adminUrl, s.user, s.password);
             Statement st = c.createStatement()) {
            st.execute("drop database " + name + " with (force)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
        }
    }

    private static synchronized Server server() {
        if (server == null) {
            server = startServer();
        }
        return server;
    }

    private static Server startServer() {
        String url = System.getenv("GALE_TEST_DB_URL");
        if (url != null && !url.isBlank()) {
            return new Server(url, env("GALE_TEST_DB_USER", "postgres"), env("GALE_TEST_DB_PASSWORD", ""),
                    "GALE_TEST_DB_URL " + url);
        }
        if (dockerLikelyAvailable() && org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("pgvector/pgvector:pg18");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            return new Server(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                    "Testcontainers");
        }
        try {
            // Test data is thrown away, so durability buys nothing: skip the flushes that dominate commit time.
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "300")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the temporary data directory goes with it
                }
            }));
            return new Server(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres",
                    "embedded PostgreSQL");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL for tests", e);
        }
    }

    private static boolean dockerLikelyAvailable() {
        return System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
    }

    private static String withDatabase(String url, String database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        int slash = base.lastIndexOf('/');
        return base.substring(0, slash + 1) + database + params;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}

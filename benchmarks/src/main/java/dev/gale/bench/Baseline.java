package dev.gale.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the PostgreSQL under Gale does on its own, pgbench-style: single-row update transactions in
 * autocommit, on the same server, database and durability settings Gale uses. Plain JDBC on purpose:
 * no pool, no jOOQ, nothing of Gale between the benchmark and the database.
 */
final class Baseline implements AutoCloseable {
    static final int CONNECTIONS = 8;
    private final String jdbcUrl;
    private final Connection admin;

    Baseline(String jdbcUrl) throws SQLException {
        this.jdbcUrl = jdbcUrl;
        this.admin = DriverManager.getConnection(jdbcUrl);
        try (Statement st = admin.createStatement()) {
            st.execute("create table if not exists bench_baseline (id integer primary key, n bigint not null)");
            st.execute("insert into bench_baseline select i, 0 from generate_series(0, " + (CONNECTIONS - 1)
                    + ") i on conflict do nothing");
        }
    }

    /** The median latency, in milliseconds, of {@code count} update transactions one after another on one connection. */
    double updateLatencyMillis(int count) throws SQLException {
        double[] millis = new double[count];
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement update = c.prepareStatement("update bench_baseline set n = n + 1 where id = 0")) {
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                update.executeUpdate();
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(millis);
        return millis[count / 2];
    }

    /** Update transactions per second over {@link #CONNECTIONS} connections, each on its own row, for {@code duration}. */
    double writeTransactionsPerSecond(Duration duration) throws Exception {
        List<Connection> connections = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(CONNECTIONS)) {
            for (int i = 0; i < CONNECTIONS; i++) {
                connections.add(DriverManager.getConnection(jdbcUrl));
            }
            long start = System.nanoTime();
            long deadline = start + duration.toNanos();
            List<Future<Long>> counts = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                Connection c = connections.get(i);
                int row = i;
                counts.add(threads.submit(() -> {
                    long done = 0;
                    try (PreparedStatement update = c.prepareStatement(
                            "update bench_baseline set n = n + 1 where id = " + row)) {
                        while (System.nanoTime() < deadline) {
                            update.executeUpdate();
                            done++;
                        }
                    }
                    return done;
                }));
            }
            long total = 0;
            for (Future<Long> count : counts) {
                total += count.get();
            }
            return total / ((System.nanoTime() - start) / 1e9);
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    String setting(String name) throws SQLException {
        try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery("show " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public void close() throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute("drop table if exists bench_baseline");
        }
        admin.close();
    }
}

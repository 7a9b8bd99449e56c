package dev.gale.scheduler.store;

import dev.gale.scheduler.service.Notifications;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Notifications} on PostgreSQL's LISTEN/NOTIFY, over one dedicated connection that a
 * background thread keeps open (and reopens after a failure). Listeners run on that thread and
 * must return quickly.
 */
public final class PgNotifications implements Notifications, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgNotifications.class);

    private final String url;
    private final Properties credentials = new Properties();
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;

    public PgNotifications(String jdbcUrl, String user, String password, List<String> channels) {
        this.url = jdbcUrl;
        credentials.setProperty("user", user);
        credentials.setProperty("password", password == null ? "" : password);
        channels.forEach(c -> listeners.put(c, new CopyOnWriteArrayList<>()));
        this.thread = Thread.ofPlatform().daemon(true).name("gale-pg-listen").start(this::listenLoop);
    }

    @Override
    public AutoCloseable subscribe(String channel, Consumer<String> listener) {
        List<Consumer<String>> list = listeners.get(channel);
        if (list == null) {
            throw new IllegalArgumentException("channel " + channel + " is not listened to; known: " + listeners.keySet());
        }
        list.add(listener);
        return () -> list.remove(listener);
    }

    private void listenLoop() {
        long backoffMs = 100;
        while (running) {
            try (Connection c = DriverManager.getConnection(url, credentials)) {
                connection = c;
                try (Statement st = c.createStatement()) {
                    for (String channel : listeners.keySet()) {
                        st.execute("LISTEN " + channel);
                    }
                }
                backoffMs = 100;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] received = pg.getNotifications(1_000);
                    if (received == null) {
                        continue;
                    }
                    for (PGNotification n : received) {
                        dispatch(n.getName(), n.getParameter());
                    }
                }
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                log.warn("Lost the LISTEN connection to PostgreSQL ({}); reconnecting in {} ms", e.getMessage(),
                        backoffMs);
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    return;
                }
                backoffMs = Math.min(backoffMs * 2, 5_000);
            }
        }
    }

    private void dispatch(String channel, String payload) {
        for (Consumer<String> listener : listeners.getOrDefault(channel, List.of())) {
            try {
                listener.accept(payload);
            } catch (RuntimeException e) {
                log.error("Listener on {} failed", channel, e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing on shutdown; nothing left to do
            }
        }
        thread.interrupt();
    }
}

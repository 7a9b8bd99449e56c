package dev.gale.api.standalone;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Checks made before starting anything, so that common mistakes end in one clear line. */
public final class Preflight {
    private Preflight() {
    }

    /** Fails when {@code port} is taken; {@code setting} names the variable that moves it. */
    public static void requireFreePort(int port, String setting) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new StandaloneException("Port " + port + " is already in use. Stop what uses it, or set " + setting
                    + " to a free port.");
        }
    }

    /** Fails when PostgreSQL at {@code url} cannot be reached with these credentials. */
    public static void requireDatabase(String url, String user, String password) {
        if (url == null || url.isBlank()) {
            throw new StandaloneException("No database configured: set GALE_DB_URL (for example"
                    + " jdbc:postgresql://db.example.com:5432/gale), GALE_DB_USER and GALE_DB_PASSWORD,"
                    + " or run './gale standalone' for an embedded PostgreSQL.");
        }
        DriverManager.setLoginTimeout(5);
        try (Connection ignored = DriverManager.getConnection(url, user, password)) {
            // reachable
        } catch (SQLException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\.+$", "");
            throw new StandaloneException("Cannot connect to PostgreSQL at " + url + ": " + reason
                    + ". Check that the server is running and reachable from here, and the values of GALE_DB_URL,"
                    + " GALE_DB_USER and GALE_DB_PASSWORD.");
        }
    }
}

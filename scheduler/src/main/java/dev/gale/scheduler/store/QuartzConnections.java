package dev.gale.scheduler.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/** Lends Gale's connection pool to Quartz's JDBC job store, under a name Quartz can be configured with. */
public final class QuartzConnections {
    private QuartzConnections() {
    }

    /** Registers {@code dataSource} with Quartz and returns the name to set as its job store's data source. */
    public static String register(DataSource dataSource) {
        String name = "gale-" + UUID.randomUUID();
        DBConnectionManager.getInstance().addConnectionProvider(name, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return dataSource.getConnection();
            }

            @Override
            public void shutdown() {
                // the pool belongs to Gale, which closes it
            }

            @Override
            public void initialize() {
                // nothing to set up: the pool is already running
            }
        });
        return name;
    }
}

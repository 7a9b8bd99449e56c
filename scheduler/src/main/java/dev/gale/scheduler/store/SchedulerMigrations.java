package dev.gale.scheduler.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Applies the scheduler's Flyway migrations to the schema {@code gale}. */
public final class SchedulerMigrations {
    public static final String SCHEMA = "gale";

    private SchedulerMigrations() {
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(SCHEMA)
                .locations("classpath:db/migration/scheduler")
                .load()
                .migrate();
    }
}

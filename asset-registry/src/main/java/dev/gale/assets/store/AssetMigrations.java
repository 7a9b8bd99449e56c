package dev.gale.assets.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Applies the asset registry's Flyway migrations to its own schema, {@code gale_assets}. */
public final class AssetMigrations {
    public static final String SCHEMA = "gale_assets";

    private AssetMigrations() {
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(SCHEMA)
                .locations("classpath:db/migration/assets")
                .load()
                .migrate();
    }
}

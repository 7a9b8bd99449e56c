package dev.gale.api.config;

import org.jooq.DSLContext;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** UP only while PostgreSQL answers a query. */
public class DatabaseHealthIndicator implements HealthIndicator {
    private final DSLContext dsl;

    public DatabaseHealthIndicator(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public Health health() {
        try {
            dsl.selectOne().fetch();
            return Health.up().withDetail("database", "PostgreSQL").build();
        } catch (RuntimeException e) {
            return Health.down().withDetail("database", "PostgreSQL").withDetail("error", e.getMessage()).build();
        }
    }
}

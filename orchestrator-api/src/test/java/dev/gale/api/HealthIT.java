package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.testing.TestPostgres;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthIT {

    @Test
    void healthTurnsDownWhenTheDatabaseGoesAway() throws Exception {
        try (GaleTestServer gale = new GaleTestServer(Map.of())) {
            assertThat(gale.get("/actuator/health").statusCode()).isEqualTo(200);
            assertThat(gale.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
            assertThat(gale.get("/actuator/health/liveness").statusCode()).isEqualTo(200);

            TestPostgres.dropDatabase(gale.database);

            var health = gale.get("/actuator/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"status\":\"DOWN\"");
            // Kubernetes takes the replica out of its Service, but does not restart it for an outage it cannot fix.
            assertThat(gale.get("/actuator/health/readiness").statusCode()).isEqualTo(503);
            assertThat(gale.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        }
    }
}

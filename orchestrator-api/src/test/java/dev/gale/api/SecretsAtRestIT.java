package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.scheduler.secrets.SecretBox;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A secret param is sealed in {@code dag_run}, under the configured key or the one the database keeps, and the task still gets it. */
class SecretsAtRestIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SECRET = "sk-live-at-rest-777";

    @Test
    void withoutAConfiguredKeyTheRowHoldsTheSecretSealedUnderTheKeyTheDatabaseKeeps() throws Exception {
        try (GaleTestServer gale = new GaleTestServer(Map.of())) {
            String runId = runWithSecret(gale);
            DSLContext sql = sql(gale);
            String stored = storedParams(sql, runId);
            assertThat(stored).doesNotContain(SECRET).contains(SecretBox.PREFIX);
            String key = sql.fetchOne("select secret from gale.signing_key where name = 'secrets-key'").get(0, String.class);
            String sealed = JSON.readTree(stored).get("apiKey").asString();
            assertThat(SecretBox.fromBase64(key, "test").open(sealed)).isEqualTo("\"" + SECRET + "\"");
        }
    }

    @Test
    void aConfiguredKeySealsTheSecretAndTheTaskStillReceivesThePlainValue() throws Exception {
        String key = SecretBox.newKey();
        try (GaleTestServer gale = new GaleTestServer(Map.of("gale.secrets.key", key))) {
            String runId = runWithSecret(gale);
            String stored = storedParams(sql(gale), runId);
            assertThat(stored).doesNotContain(SECRET);
            String sealed = JSON.readTree(stored).get("apiKey").asString();
            assertThat(SecretBox.fromBase64(key, "test").open(sealed)).isEqualTo("\"" + SECRET + "\"");
            assertThat(sql(gale).fetchExists(DSL.table("gale.signing_key"), DSL.field("name").eq("secrets-key")))
                    .as("no key made in the database when one is configured").isFalse();
        }
    }

    @Test
    void aMalformedKeyStopsTheServerSayingWhatToSet() {
        assertThatThrownBy(() -> new GaleTestServer(Map.of("gale.secrets.key", "too-short")).close())
                .rootCause().hasMessageContaining("GALE_SECRETS_KEY (gale.secrets.key) must be the base64 of 32 random bytes")
                .hasMessageNotContaining("too-short");
    }

    /** Runs {@code secret_for_tests}, whose task logs its key: a log of {@code ***} shows it got the plain value. */
    private static String runWithSecret(GaleTestServer gale) throws Exception {
        JsonNode run = JSON.readTree(gale.post("/api/v1/dags/secret_for_tests/runs?wait=PT30S",
                "{\"conf\": {\"apiKey\": \"" + SECRET + "\"}}").body());
        assertThat(run.get("state").asString()).isEqualTo("success");
        String runId = run.get("runId").asString();
        String logs = gale.get("/api/v1/dags/secret_for_tests/runs/" + runId + "/tasks/use_key/logs").body();
        assertThat(logs).contains("calling the API with key ***").doesNotContain(SecretBox.PREFIX);
        return runId;
    }

    private static DSLContext sql(GaleTestServer gale) {
        return DSL.using(gale.database.dataSource(), SQLDialect.POSTGRES);
    }

    private static String storedParams(DSLContext sql, String runId) {
        return sql.fetchOne("select params::text from gale.dag_run where run_id = ?", runId).get(0, String.class);
    }
}

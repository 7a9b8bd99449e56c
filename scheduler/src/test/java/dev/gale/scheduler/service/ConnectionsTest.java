package dev.gale.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConnectionsTest {
    @Test
    void aUriGivesEveryPartOfAConnectionAsAirflowReadsIt() {
        Connection c = Connections.fromUri("warehouse",
                "postgres://etl:p%40ss%2Fw0rd@wh.example:5432/sales?sslmode=verify-full&application_name=gale");
        assertThat(c).isEqualTo(new Connection("warehouse", "postgres", "wh.example", 5432, "etl", "p@ss/w0rd", "sales",
                "{\"application_name\":\"gale\",\"sslmode\":\"verify-full\"}"));
    }

    @Test
    void extraMayBeGivenWholeAndUnsetPartsAreNull() {
        Connection c = Connections.fromUri("api", "http://api.example?__extra__=%7B%22retries%22%3A3%7D");
        assertThat(c).isEqualTo(new Connection("api", "http", "api.example", null, null, null, null, "{\"retries\":3}"));
    }

    @Test
    void aMalformedUriNamesTheVariableToFix() {
        assertThatThrownBy(() -> Connections.fromUri("my-db", "postgres://a b@host"))
                .hasMessageContaining("GALE_CONN_MY_DB is not a URI");
    }

    @Test
    void variablesWithSecretNamesAreSensitive() {
        assertThat(Connections.isSensitive("OPENAI_API_KEY")).isTrue();
        assertThat(Connections.isSensitive("db_password")).isTrue();
        assertThat(Connections.isSensitive("threshold")).isFalse();
    }
}

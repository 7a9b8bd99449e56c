package dev.gale.api.standalone;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PreflightTest {

    @Test
    void aTakenPortIsOneLineNamingThePortAndTheSettingThatMovesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            assertThatThrownBy(() -> Preflight.requireFreePort(taken.getLocalPort(), "GALE_HTTP_PORT"))
                    .isInstanceOf(StandaloneException.class)
                    .hasMessage("Port " + taken.getLocalPort() + " is already in use. Stop what uses it, or set"
                            + " GALE_HTTP_PORT to a free port.");
        }
    }

    @Test
    void anUnreachableDatabaseNamesTheUrlAndWhatToCheck() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        String url = "jdbc:postgresql://localhost:" + closedPort + "/gale";

        assertThatThrownBy(() -> Preflight.requireDatabase(url, "gale", "secret"))
                .isInstanceOf(StandaloneException.class)
                .hasMessageStartingWith("Cannot connect to PostgreSQL at " + url + ": ")
                .hasMessageContaining("GALE_DB_URL, GALE_DB_USER and GALE_DB_PASSWORD");
    }

    @Test
    void aMissingDatabaseUrlSaysHowToSetOneOrUseStandalone() {
        assertThatThrownBy(() -> Preflight.requireDatabase(null, "gale", ""))
                .hasMessageContaining("set GALE_DB_URL")
                .hasMessageContaining("./gale standalone");
    }
}

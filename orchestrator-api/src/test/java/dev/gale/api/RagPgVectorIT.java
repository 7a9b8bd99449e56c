package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gale.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * rag_ingest and rag_answer with {@code store: pgvector}, through the real server and a worker over gRPC: the
 * index lives in a PostgreSQL database named by Connection {@code rag_db} (from the server's environment,
 * {@code GALE_CONN_RAG_DB}), not on the worker's disk. The run that uses pgvector is skipped, saying so, where
 * the test database has no vector extension (the embedded PostgreSQL has none).
 */
class RagPgVectorIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path SHIPPED_CORPUS = Path.of("../examples/docs").toAbsolutePath().normalize();
    private static TestPostgres.Database indexDatabase;
    private static GaleTestServer gale;

    @BeforeAll
    static void start() {
        indexDatabase = TestPostgres.newDatabase();
        URI jdbc = URI.create(indexDatabase.jdbcUrl().substring("jdbc:".length()));
        String uri = "postgres://" + URLEncoder.encode(indexDatabase.user(), StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(indexDatabase.password(), StandardCharsets.UTF_8) + "@" + jdbc.getHost() + ":"
                + jdbc.getPort() + jdbc.getPath();
        gale = new GaleTestServer(Map.of("gale.scheduler.interval", "PT0.2S", "GALE_CONN_RAG_DB", uri));
    }

    @AfterAll
    static void stop() {
        gale.close();
        TestPostgres.dropDatabase(indexDatabase);
    }

    private static JsonNode trigger(String dagId, ObjectNode conf) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.set("conf", conf);
        HttpResponse<String> response = gale.post("/api/v1/dags/" + dagId + "/runs?wait=PT300S", body.toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void pgvectorWithoutAConnectionFailsTheRunNamingTheSetting() throws Exception {
        JsonNode answer = trigger("rag_answer", JSON.createObjectNode().put("question", "What is Gale?")
                .put("store", "pgvector"));
        JsonNode ingest = trigger("rag_ingest", JSON.createObjectNode().put("path", SHIPPED_CORPUS.toString())
                .put("store", "pgvector"));

        for (JsonNode run : new JsonNode[] {answer, ingest}) {
            assertThat(run.get("state").asString()).isEqualTo("failed");
            assertThat(run.toString()).contains("conf store is pgvector but conf connection is empty");
        }
        JsonNode unknown = trigger("rag_answer", JSON.createObjectNode().put("question", "What is Gale?")
                .put("store", "pgvector").put("connection", "no_such_db"));
        assertThat(unknown.get("state").asString()).isEqualTo("failed");
        assertThat(unknown.toString()).contains("no_such_db");

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int status = cli(printed, "rag", "ask", "What is Gale?", "--store", "pgvector", "--url", gale.baseUrl(),
                "--token", gale.adminToken);
        assertThat(status).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("conf store is pgvector but conf connection"
                + " is empty");
    }

    /** Runs the gale command line in this JVM, its output (both streams) into {@code printed}; its exit status. */
    private static synchronized int cli(ByteArrayOutputStream printed, String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        try {
            PrintStream both = new PrintStream(printed, true, StandardCharsets.UTF_8);
            System.setOut(both);
            System.setErr(both);
            return new CommandLine(new GaleCommand()).execute(args);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    private static boolean hasPgVector() {
        try (var c = indexDatabase.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("create extension if not exists vector");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Test
    void anIndexInPostgresAnswersWithTheRightSourceAndASecondIngestAddsNothing() throws Exception {
        assumeTrue(hasPgVector(), "skipped: the test database has no pgvector (create extension vector fails);"
                + " point GALE_TEST_DB_URL at a PostgreSQL with the vector extension to run it");
        ObjectNode conf = JSON.createObjectNode().put("path", SHIPPED_CORPUS.toString()).put("store", "pgvector")
                .put("connection", "rag_db");
        JsonNode first = trigger("rag_ingest", conf);
        assertThat(first.get("state").asString()).as(first.toString()).isEqualTo("success");
        long files;
        try (var listing = Files.list(SHIPPED_CORPUS)) {
            files = listing.count();
        }
        assertThat(first.get("result").get("added")).hasSize((int) files);
        assertThat(first.get("result").get("store").asString()).isEqualTo("pgvector");
        assertThat(first.get("result").get("indexPath").asString()).startsWith("table gale_rag_docs in jdbc:postgresql:");

        JsonNode asked = trigger("rag_answer", JSON.createObjectNode().put("question",
                "How do I try GPU routing without a GPU?").put("store", "pgvector").put("connection", "rag_db"));
        assertThat(asked.get("state").asString()).as(asked.toString()).isEqualTo("success");
        assertThat(Path.of(asked.get("result").get("sources").get(0).get("path").asString()).getFileName())
                .hasToString("gpu-workers.md");

        JsonNode second = trigger("rag_ingest", conf);
        assertThat(second.get("result").get("added")).isEmpty();
        assertThat(second.get("result").get("unchanged").asInt()).isEqualTo((int) files);
        assertThat(second.get("result").get("chunks").asInt()).isEqualTo(first.get("result").get("chunks").asInt());
        try (var c = indexDatabase.dataSource().getConnection(); var s = c.createStatement();
             var rows = s.executeQuery("select count(*) from gale_rag_docs")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(first.get("result").get("chunks").asInt());
        }
    }
}

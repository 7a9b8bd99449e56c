package dev.gale.examples.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** demo_warehouse seeded in a real PostgreSQL, and the assistant's shipped examples and schema reading over it. */
class DemoWarehouseTest {
    private static TestPostgres.Database database;
    private static DemoWarehouse.Seeded first;

    @BeforeAll
    static void seed() throws SQLException {
        database = TestPostgres.newDatabase();
        try (Connection c = database.dataSource().getConnection()) {
            first = DemoWarehouse.ensure(c);
        }
    }

    @AfterAll
    static void drop() {
        TestPostgres.dropDatabase(database);
    }

    @Test
    void theWarehouseIsSeededOnceWithTheSameRowsEveryTime() throws SQLException {
        assertThat(first).isEqualTo(new DemoWarehouse.Seeded(true, DemoWarehouse.USERS, DemoWarehouse.CHANNELS,
                DemoWarehouse.INTERACTIONS));
        try (Connection c = database.dataSource().getConnection()) {
            assertThat(DemoWarehouse.ensure(c).created()).isFalse();
            var check = new SqlCheck(5_000).check(c, "SELECT kind, count(*) AS n FROM demo_warehouse.interactions"
                    + " GROUP BY kind ORDER BY n DESC", 10);
            assertThat(check.rows()).extracting(r -> r.get("kind")).containsExactly("view", "message", "reaction",
                    "join");
            var fixed = new SqlCheck(5_000).check(c, "SELECT email FROM demo_warehouse.users WHERE user_id = 1", 1);
            assertThat(fixed.rows().getFirst().get("email").toString()).endsWith("1@example.com");
        }
    }

    @Test
    void everyShippedExamplePassesTheCheckOnTheWarehouse() throws SQLException {
        List<SqlAssistant.Example> library = SqlAssistant.library();
        assertThat(library).hasSizeGreaterThanOrEqualTo(30);
        try (Connection c = database.dataSource().getConnection()) {
            SqlCheck check = new SqlCheck(10_000);
            for (SqlAssistant.Example example : library) {
                SqlCheck.Verdict verdict = check.check(c, example.sql(), 0);
                assertThat(verdict.accepted()).as(example.question() + ": " + verdict.reason()).isTrue();
            }
        }
    }

    @Test
    void theSchemaIsReadWithTypesAndCommentsAndTheQuestionsWordsPickTheRelevantColumns() throws SQLException {
        List<SqlAssistant.Table> tables;
        try (Connection c = database.dataSource().getConnection()) {
            tables = SqlAssistant.schema(c, DemoWarehouse.SCHEMA);
        }
        assertThat(tables).extracting(SqlAssistant.Table::name).containsExactly("demo_warehouse.channels",
                "demo_warehouse.interactions", "demo_warehouse.users");
        SqlAssistant.Table users = tables.get(2);
        assertThat(users.comment()).contains("PII");
        assertThat(users.columns()).contains(new SqlAssistant.Column("email", "text", "Email address (PII)"));

        List<SqlAssistant.Table> relevant = SqlAssistant.relevant(tables, List.of(new SqlAssistant.Wording(
                "Which countries have the most users on the pro plan?", "question")), List.of());
        assertThat(relevant).extracting(SqlAssistant.Table::name).doesNotContain("demo_warehouse.channels");
        assertThat(relevant).filteredOn(t -> t.name().equals("demo_warehouse.users")).singleElement()
                .satisfies(t -> assertThat(t.columns()).extracting(SqlAssistant.Column::name)
                        .contains("country", "plan").doesNotContain("email", "name"));
    }

    @Test
    void theModelsAnswerIsReadFromItsCodeFence() {
        assertThat(SqlAssistant.sqlOf("Here you go:\n```sql\nSELECT 1;\n```\nDone.")).isEqualTo("SELECT 1;");
        assertThat(SqlAssistant.sqlOf(" SELECT 2 ")).isEqualTo("SELECT 2");
    }
}

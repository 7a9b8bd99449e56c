package dev.gale.examples.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SQL assistant's check against a real PostgreSQL: what a model may not run is refused, saying why. */
class SqlCheckTest {
    private static TestPostgres.Database database;
    private final SqlCheck check = new SqlCheck(2_000);

    @BeforeAll
    static void seed() throws SQLException {
        database = TestPostgres.newDatabase();
        try (Connection c = database.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, total numeric NOT NULL)");
            s.execute("INSERT INTO orders VALUES (1, 'ada', 10), (2, 'bob', 25), (3, 'ada', 5)");
        }
    }

    @AfterAll
    static void drop() {
        TestPostgres.dropDatabase(database);
    }

    private SqlCheck.Verdict check(String sql, int rowLimit) throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            return check.check(c, sql, rowLimit);
        }
    }

    @Test
    void aSelectIsExplainedAndRunWithARowLimit() throws SQLException {
        SqlCheck.Verdict verdict = check("SELECT customer, sum(total) AS spent FROM orders GROUP BY customer"
                + " ORDER BY spent DESC;", 1);

        assertThat(verdict.accepted()).isTrue();
        assertThat(verdict.plan()).isNotEmpty().anyMatch(line -> line.contains("orders"));
        assertThat(verdict.rows()).singleElement().satisfies(row -> assertThat(row.get("customer")).isEqualTo("bob"));
    }

    @Test
    void aDeleteAMultiStatementAndAWriteInsideACteAreRefusedBeforeTheDatabaseSeesThem() throws SQLException {
        assertThat(check("DELETE FROM orders", 10).reason()).isEqualTo("the SQL is a DELETE, and only a SELECT may run");
        assertThat(check("SELECT 1; DROP TABLE orders", 10).reason())
                .isEqualTo("the SQL has 2 statements; only one SELECT may run");
        assertThat(check("WITH gone AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM gone", 10).reason())
                .isEqualTo("the WITH part gone is a DELETE, and only a SELECT may run");
        assertThat(check("SELEC customer FROM orders", 10).reason()).startsWith("the SQL does not parse");
        assertThat(check("SELECT count(*) FROM orders", 10).rows()).singleElement()
                .satisfies(row -> assertThat(row.get("count")).isEqualTo(3L));
    }

    @Test
    void aQueryNamingAColumnThatIsNotThereIsRefusedWithPostgresReason() throws SQLException {
        SqlCheck.Verdict verdict = check("SELECT email FROM orders", 10);

        assertThat(verdict.accepted()).isFalse();
        assertThat(verdict.reason()).startsWith("PostgreSQL refused the SQL:").contains("email");
    }

    @Test
    void aFunctionThatWritesIsStoppedByTheReadOnlyTransactionAndASlowQueryByTheTimeout() throws SQLException {
        try (Connection c = database.dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("CREATE SEQUENCE IF NOT EXISTS order_ids");
        }
        assertThat(check("SELECT nextval('order_ids')", 10).reason()).contains("read-only transaction");
        try (Connection c = database.dataSource().getConnection()) {
            assertThat(new SqlCheck(200).check(c, "SELECT pg_sleep(5)", 1).reason()).contains("statement timeout");
        }
    }
}

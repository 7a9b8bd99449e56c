package dev.gale.examples.sql;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.WithItem;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Checks SQL that a model wrote before anyone sees it as an answer: it must parse as exactly one statement, be a
 * SELECT whose every WITH part is a SELECT too (PostgreSQL runs an INSERT, UPDATE or DELETE inside a CTE), and
 * pass PostgreSQL's EXPLAIN in a read-only transaction under a statement timeout, so that names and types are
 * checked by the database itself. Optionally the query runs there too, with a row limit.
 */
public final class SqlCheck {

    /** The check's outcome: the SQL's plan (or rows) when it passed, else why it was refused. */
    public record Verdict(boolean accepted, String reason, List<String> plan, List<Map<String, Object>> rows) {
        static Verdict refused(String reason) {
            return new Verdict(false, reason, List.of(), List.of());
        }
    }

    private final int timeoutMs;

    public SqlCheck(int timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    /** Why the SQL may not run at all, without asking the database; empty when it is one plain SELECT. */
    public static Optional<String> refusal(String sql) {
        Statements statements;
        try {
            statements = CCJSqlParserUtil.parseStatements(sql);
        } catch (JSQLParserException e) {
            String cause = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
            return Optional.of("the SQL does not parse: " + firstLine(cause));
        }
        if (statements.size() != 1) {
            return Optional.of("the SQL has " + statements.size() + " statements; only one SELECT may run");
        }
        Statement statement = statements.getFirst();
        if (!(statement instanceof Select select)) {
            return Optional.of("the SQL is a " + kind(statement) + ", and only a SELECT may run");
        }
        if (select.getWithItemsList() != null) {
            for (WithItem<?> item : select.getWithItemsList()) {
                if (!(item.getParenthesedStatement() instanceof ParenthesedSelect)) {
                    return Optional.of("the WITH part " + item.getAliasName() + " is a "
                            + kind(item.getParenthesedStatement()) + ", and only a SELECT may run");
                }
            }
        }
        return Optional.empty();
    }

    /** Parses, limits to SELECT, then EXPLAINs (and, with {@code rowLimit > 0}, runs) it read-only. */
    public Verdict check(Connection connection, String sql, int rowLimit) {
        Optional<String> refusal = refusal(sql);
        if (refusal.isPresent()) {
            return Verdict.refused(refusal.get());
        }
        String query = sql.strip().replaceFirst(";$", "");
        DSLContext db = DSL.using(connection, SQLDialect.POSTGRES);
        try {
            return db.transactionResult(tx -> {
                DSLContext in = tx.dsl();
                in.execute("SET TRANSACTION READ ONLY");
                in.execute("SET LOCAL statement_timeout = " + timeoutMs);
                List<String> plan = in.fetch("EXPLAIN " + query).getValues(0, String.class);
                List<Map<String, Object>> rows = rowLimit <= 0 ? List.of()
                        : in.fetch("SELECT * FROM (" + query + ") AS answer LIMIT " + rowLimit).intoMaps();
                return new Verdict(true, "", plan, rows);
            });
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            return Verdict.refused("PostgreSQL refused the SQL: " + firstLine(String.valueOf(cause.getMessage())));
        }
    }

    private static String kind(Object statement) {
        return statement.getClass().getSimpleName().replace("Parenthesed", "").toUpperCase();
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) : line;
    }
}

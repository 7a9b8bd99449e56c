package dev.gale.scheduler.trigger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fires when "query", run against the Connection "conn", returns a row whose first column is true; polled
 * every "interval" (30 s). The event is that row by column name (values as JSON numbers, booleans or text).
 */
public final class SqlTrigger extends PolledTrigger {
    static final String KIND = "sql";
    private static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final int QUERY_TIMEOUT_SECONDS = 10;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Where a Connection's database is, for JDBC. */
    public record Database(String jdbcUrl, String user, String password) {
        /**
         * The database of a Connection: its extra's {@code jdbcUrl} when it has one, else a PostgreSQL URL
         * from host, port and schema (the database name) for type postgres; empty for other types.
         */
        public static Optional<Database> of(String type, String host, Integer port, String login, String password,
                                            String schema, String extraJson) {
            JsonNode extra = extraJson == null || extraJson.isBlank() ? null : JSON.readTree(extraJson);
            if (extra != null && extra.path("jdbcUrl").isString()) {
                return Optional.of(new Database(extra.get("jdbcUrl").asString(), login, password));
            }
            if (("postgres".equals(type) || "postgresql".equals(type)) && host != null) {
                return Optional.of(new Database("jdbc:postgresql://" + host + (port == null ? "" : ":" + port) + "/"
                        + (schema == null ? "" : schema), login, password));
            }
            return Optional.empty();
        }
    }

    private final Function<String, Optional<Database>> connections;

    SqlTrigger(Function<String, Optional<Database>> connections) {
        super(KIND, INTERVAL);
        this.connections = connections;
    }

    @Override
    public Map<String, Object> prepare(Map<String, Object> spec, Instant now) {
        String conn = Specs.text(KIND, spec, "conn");
        if (connections.apply(conn).isEmpty()) {
            throw new InvalidTriggerException("a 'sql' trigger's Connection '" + conn + "' does not exist or is not a"
                    + " database: give it type postgres with host, port and schema, or a \"jdbcUrl\" in its extra");
        }
        Map<String, Object> prepared = new LinkedHashMap<>();
        prepared.put("conn", conn);
        prepared.put("query", Specs.text(KIND, spec, "query"));
        prepared.put("interval", interval(spec).toString());
        return prepared;
    }

    @Override
    public Optional<Map<String, Object>> check(Map<String, Object> spec, Instant now) throws Exception {
        Database db = connections.apply(spec.get("conn").toString()).orElse(null);
        if (db == null) {
            return Optional.empty();
        }
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement statement = c.createStatement()) {
            c.setReadOnly(true);
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            statement.setMaxRows(1);
            try (ResultSet rows = statement.executeQuery(spec.get("query").toString())) {
                if (!rows.next() || !rows.getBoolean(1)) {
                    return Optional.empty();
                }
                ResultSetMetaData columns = rows.getMetaData();
                Map<String, Object> event = new LinkedHashMap<>();
                for (int i = 1; i <= columns.getColumnCount(); i++) {
                    Object value = rows.getObject(i);
                    event.put(columns.getColumnLabel(i), value == null || value instanceof Number
                            || value instanceof Boolean ? value : value.toString());
                }
                return Optional.of(event);
            }
        }
    }
}

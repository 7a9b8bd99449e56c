package dev.gale.scheduler.service;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/**
 * Connections and Variables for tasks. The environment comes first ({@code GALE_CONN_<ID>} as a URI
 * like Airflow's {@code AIRFLOW_CONN_*}, {@code GALE_VAR_<KEY>}), for deployments that inject secrets;
 * then the database. Also knows which values to mask in logs and errors.
 */
public final class Connections {
    /** Variables whose key holds one of these are masked, as Airflow masks them. */
    private static final List<String> SENSITIVE = List.of("access_token", "api_key", "apikey", "authorization",
            "passphrase", "passwd", "password", "private_key", "secret", "token");
    /** Masked values are read again this often: another replica may have changed them. */
    private static final Duration MASK_REFRESH = Duration.ofSeconds(5);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SecretsStore store;
    private final Function<String, String> env;
    private final Clock clock;
    private volatile List<String> masked;
    /** Secrets of the environment that tasks were given: masked from then on, as stored ones are. */
    private final Set<String> servedFromEnvironment = ConcurrentHashMap.newKeySet();
    private volatile Instant maskedAt = Instant.MIN;

    public Connections(SecretsStore store, Function<String, String> env, Clock clock) {
        this.store = store;
        this.env = env;
        this.clock = clock;
    }

    public Optional<Connection> connection(String connId) {
        String uri = env.apply("GALE_CONN_" + envName(connId));
        if (uri == null) {
            return store.connection(connId);
        }
        Connection connection = fromUri(connId, uri);
        if (connection.password() != null && !connection.password().isEmpty()) {
            servedFromEnvironment.add(connection.password());
        }
        return Optional.of(connection);
    }

    public Optional<String> variable(String key) {
        String value = env.apply("GALE_VAR_" + envName(key));
        if (value == null) {
            return store.variable(key);
        }
        if (isSensitive(key) && !value.isEmpty()) {
            servedFromEnvironment.add(value);
        }
        return Optional.of(value);
    }

    /** The connections kept in the database (those of the environment are the deployment's, not listed). */
    public List<Connection> connections() {
        return store.connections();
    }

    public Map<String, String> variables() {
        return store.variables();
    }

    public void putConnection(Connection connection) {
        store.putConnection(connection);
        maskedAt = Instant.MIN;
    }

    public boolean deleteConnection(String connId) {
        return store.deleteConnection(connId);
    }

    public void putVariable(String key, String value) {
        store.putVariable(key, value);
        maskedAt = Instant.MIN;
    }

    public boolean deleteVariable(String key) {
        return store.deleteVariable(key);
    }

    public static boolean isSensitive(String variableKey) {
        String key = variableKey.toLowerCase(Locale.ROOT);
        return SENSITIVE.stream().anyMatch(key::contains);
    }

    /** Every stored password and the value of every variable with a sensitive key: what logs and errors never show. */
    public List<String> maskedValues() {
        Instant now = clock.instant();
        if (maskedAt.plus(MASK_REFRESH).isBefore(now)) {
            List<String> values = new ArrayList<>();
            store.connections().forEach(c -> {
                if (c.password() != null && !c.password().isEmpty()) {
                    values.add(c.password());
                }
            });
            store.variables().forEach((key, value) -> {
                if (isSensitive(key) && !value.isEmpty()) {
                    values.add(value);
                }
            });
            masked = List.copyOf(values);
            maskedAt = now;
        }
        return servedFromEnvironment.isEmpty() ? masked
                : Stream.concat(masked.stream(), servedFromEnvironment.stream()).distinct().toList();
    }

    /** The environment variable name for an id: upper case, with anything but letters and digits as {@code _}. */
    static String envName(String id) {
        return id.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /**
     * A connection from a URI such as {@code postgres://user:pass@host:5432/schema?sslmode=require}: the
     * scheme is the type, the query's parameters are the extra (or {@code __extra__} holds its JSON).
     */
    static Connection fromUri(String connId, String uri) {
        URI parsed;
        try {
            parsed = URI.create(uri.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("GALE_CONN_" + envName(connId) + " is not a URI such as"
                    + " postgres://user:password@host:5432/schema (escape special characters with %XX)");
        }
        String login = null;
        String password = null;
        if (parsed.getRawUserInfo() != null) {
            String[] parts = parsed.getRawUserInfo().split(":", 2);
            login = decode(parts[0]);
            password = parts.length == 2 ? decode(parts[1]) : null;
        }
        String path = parsed.getRawPath();
        String schema = path == null || path.length() <= 1 ? null : decode(path.substring(1));
        return new Connection(connId, parsed.getScheme() == null ? null : parsed.getScheme().replace('-', '_'),
                parsed.getHost(), parsed.getPort() < 0 ? null : parsed.getPort(), login, password, schema,
                extra(parsed.getRawQuery()));
    }

    private static String extra(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        Map<String, String> params = new TreeMap<>();
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(decode(kv[0]), kv.length == 2 ? decode(kv[1]) : "");
        }
        if (params.containsKey("__extra__")) {
            return params.get("__extra__");
        }
        return JSON.writeValueAsString(params);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}

package dev.gale.api.rest.v1;

import dev.gale.api.security.Role;
import dev.gale.scheduler.service.Connection;
import dev.gale.scheduler.service.Connections;
import io.swagger.v3.oas.annotations.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/connections} and {@code /api/v1/variables}: Airflow's Connections and Variables, written
 * by admins and listed to every role with their secret parts masked; tasks read them whole through the TEI.
 */
@RestController
class ConnectionController {
    static final String MASK = "***";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,200}");

    private final Connections connections;

    ConnectionController(Connections connections) {
        this.connections = connections;
    }

    /** A connection as people see it: password and extra are {@value #MASK} when set. */
    record ConnectionResponse(String connId, String connType, String host, Integer port, String login,
                              String password, String schema, String extra) {
        static ConnectionResponse of(Connection c) {
            return new ConnectionResponse(c.connId(), c.type(), c.host(), c.port(), c.login(),
                    c.password() == null ? null : MASK, c.schema(), c.extraJson() == null ? null : MASK);
        }
    }

    record ConnectionListResponse(List<ConnectionResponse> connections) {
    }

    record VariableResponse(String key, String value) {
        static VariableResponse of(String key, String value) {
            return new VariableResponse(key, Connections.isSensitive(key) ? MASK : value);
        }
    }

    record VariableListResponse(List<VariableResponse> variables) {
    }

    @Operation(summary = "List connections", description = "Those kept in the database, password and extra masked;"
            + " those of the server's environment (GALE_CONN_<ID>) are not listed.")
    @GetMapping("/api/v1/connections")
    ConnectionListResponse list() {
        return new ConnectionListResponse(connections.connections().stream().map(ConnectionResponse::of).toList());
    }

    @GetMapping("/api/v1/connections/{connId}")
    ConnectionResponse get(@PathVariable String connId) {
        return connections.connection(checkedId("connId", connId)).map(ConnectionResponse::of)
                .orElseThrow(() -> ApiException.notFound("unknown-connection", "there is no connection '" + connId
                        + "'; GET /api/v1/connections lists them"));
    }

    @Operation(summary = "Create or replace a connection", description = "Body: connType (required), host, port,"
            + " login, password, schema (strings; port a number) and extra (a JSON object). Stored encrypted.")
    @PutMapping("/api/v1/connections/{connId}")
    @RequiresRole(Role.ADMIN)
    @Audited("connection.put")
    ConnectionResponse put(@PathVariable String connId, @RequestBody(required = false) JsonNode body) {
        checkedId("connId", connId);
        List<ApiException.FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("invalid-connection", "the body must be a JSON object with at least connType");
        }
        for (String name : body.propertyNames()) {
            if (!List.of("connType", "host", "port", "login", "password", "schema", "extra").contains(name)) {
                errors.add(new ApiException.FieldError(name, "is not a part of a connection: use connType, host,"
                        + " port, login, password, schema, extra"));
            }
        }
        String type = text(body, "connType", errors);
        if (type == null && errors.stream().noneMatch(e -> e.field().equals("connType"))) {
            errors.add(new ApiException.FieldError("connType", "is required, e.g. \"postgres\" or \"http\""));
        }
        JsonNode port = body.get("port");
        if (port != null && !port.isNull() && !(port.isInt() && port.asInt() >= 1 && port.asInt() <= 65535)) {
            errors.add(new ApiException.FieldError("port", "must be a whole number from 1 to 65535"));
        }
        JsonNode extra = body.get("extra");
        if (extra != null && !extra.isNull() && !extra.isObject()) {
            errors.add(new ApiException.FieldError("extra", "must be a JSON object"));
        }
        Connection connection = new Connection(connId, type, text(body, "host", errors),
                port == null || port.isNull() || !port.isInt() ? null : port.asInt(), text(body, "login", errors),
                text(body, "password", errors), text(body, "schema", errors),
                extra == null || extra.isNull() ? null : extra.toString());
        if (!errors.isEmpty()) {
            throw ApiException.invalid("invalid-connection", errors);
        }
        connections.putConnection(connection);
        return ConnectionResponse.of(connection);
    }

    @DeleteMapping("/api/v1/connections/{connId}")
    @RequiresRole(Role.ADMIN)
    @Audited("connection.delete")
    ResponseEntity<Void> delete(@PathVariable String connId) {
        if (!connections.deleteConnection(checkedId("connId", connId))) {
            throw ApiException.notFound("unknown-connection", "there is no connection '" + connId + "' in the database");
        }
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "List variables", description = "Those kept in the database; the value of a variable whose"
            + " key names a secret (password, token, api_key, secret ...) is masked.")
    @GetMapping("/api/v1/variables")
    VariableListResponse variables() {
        List<VariableResponse> list = new ArrayList<>();
        for (Map.Entry<String, String> v : connections.variables().entrySet()) {
            list.add(VariableResponse.of(v.getKey(), v.getValue()));
        }
        return new VariableListResponse(list);
    }

    @Operation(summary = "Create or replace a variable", description = "Body: value (a string). Stored encrypted.")
    @PutMapping("/api/v1/variables/{key}")
    @RequiresRole(Role.ADMIN)
    @Audited("variable.put")
    VariableResponse putVariable(@PathVariable String key, @RequestBody(required = false) JsonNode body) {
        checkedId("key", key);
        JsonNode value = body == null ? null : body.get("value");
        if (value == null || !value.isString()) {
            throw ApiException.invalid("invalid-variable", List.of(new ApiException.FieldError("value",
                    "is required: a string (store JSON as its text)")));
        }
        connections.putVariable(key, value.asString());
        return VariableResponse.of(key, value.asString());
    }

    @DeleteMapping("/api/v1/variables/{key}")
    @RequiresRole(Role.ADMIN)
    @Audited("variable.delete")
    ResponseEntity<Void> deleteVariable(@PathVariable String key) {
        if (!connections.deleteVariable(checkedId("key", key))) {
            throw ApiException.notFound("unknown-variable", "there is no variable '" + key + "' in the database");
        }
        return ResponseEntity.noContent().build();
    }

    private static String checkedId(String field, String id) {
        if (!ID.matcher(id).matches()) {
            throw ApiException.invalid("invalid-" + (field.equals("key") ? "variable" : "connection"),
                    List.of(new ApiException.FieldError(field, "must be 1 to 200 letters, digits, '_', '.' or '-'")));
        }
        return id;
    }

    private static String text(JsonNode body, String name, List<ApiException.FieldError> errors) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            errors.add(new ApiException.FieldError(name, "must be a string"));
            return null;
        }
        return value.asString();
    }
}

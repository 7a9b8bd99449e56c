package dev.gale.scheduler.service;

import java.util.List;
import java.util.Optional;

/** Where Connections and Variables are kept, sealed; the values here are the plain ones. */
public interface SecretsStore {
    List<Connection> connections();

    Optional<Connection> connection(String connId);

    void putConnection(Connection connection);

    boolean deleteConnection(String connId);

    /** Every variable, key to value. */
    java.util.Map<String, String> variables();

    Optional<String> variable(String key);

    void putVariable(String key, String value);

    boolean deleteVariable(String key);
}

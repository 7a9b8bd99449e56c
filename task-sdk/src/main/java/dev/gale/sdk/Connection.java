package dev.gale.sdk;

import java.util.Map;

/**
 * A named credential, as Airflow's Connections are: read by a task with {@code ctx.connection("warehouse")}.
 * Unset parts are null; {@code extra} is empty when unset. Its password is masked in task logs and errors.
 */
public record Connection(String connId, String type, String host, Integer port, String login, String password,
                         String schema, Map<String, Object> extra) {
}

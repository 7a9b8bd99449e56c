package dev.gale.scheduler.service;

/**
 * A named credential as Airflow knows it: {@code connId}, its type (e.g. {@code postgres}), where it
 * is and how to log in; {@code extraJson} is a JSON object of anything else. Null parts are unset.
 */
public record Connection(String connId, String type, String host, Integer port, String login, String password,
                         String schema, String extraJson) {
}

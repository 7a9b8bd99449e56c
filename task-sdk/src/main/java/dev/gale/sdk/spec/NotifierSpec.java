package dev.gale.sdk.spec;

import java.util.List;

/**
 * Where a DAG's run events are sent: {@code kind} {@code webhook} (Gale's JSON) or {@code slack} (a
 * Slack-compatible incoming webhook), for the {@code events} listed ({@code success}, {@code failed},
 * {@code deadline_missed}). {@code secretEnv} names the server's environment variable whose value
 * signs each delivery (HMAC-SHA256); null for none.
 */
public record NotifierSpec(String kind, String url, List<String> events, String secretEnv) {
    public NotifierSpec {
        events = List.copyOf(events);
    }
}

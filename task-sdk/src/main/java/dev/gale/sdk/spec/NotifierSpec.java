package dev.gale.sdk.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Where a DAG's run events are sent: {@code kind} {@code webhook} (Gale's JSON) or {@code slack} (a
 * Slack-compatible incoming webhook) to {@code url}, or {@code email} to the addresses {@code to}
 * through the SMTP server of Connection {@code connId}; for the {@code events} listed ({@code success},
 * {@code failed}, {@code deadline_missed}). {@code secretEnv} names the server's environment variable
 * whose value signs each webhook delivery (HMAC-SHA256); null for none. The email components are left
 * out of the JSON of the other kinds, so that their versions keep their hashes.
 */
public record NotifierSpec(String kind,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String url,
                           List<String> events,
                           String secretEnv,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> to,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String connId) {
    public NotifierSpec {
        events = List.copyOf(events);
        to = to == null ? List.of() : List.copyOf(to);
    }
}

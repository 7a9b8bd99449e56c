package dev.gale.sdk;

import dev.gale.sdk.spec.NotifierSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Tells someone about a DAG's runs, declared with the DAG:
 * {@code .notify(Notifier.webhook("https://ops.example.com/gale").on(RunEvent.FAILED).signedWithSecretFrom("GALE_HOOK_SECRET"))}.
 * Deliveries are retried with backoff until they succeed (at least once), and recorded with their status.
 */
public final class Notifier {
    /** What a notifier is told about. */
    public enum RunEvent {
        SUCCESS, FAILED, DEADLINE_MISSED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String kind;
    private final String url;
    private final Set<RunEvent> events = new LinkedHashSet<>();
    private String secretEnv;

    private Notifier(String kind, String url) {
        this.kind = kind;
        this.url = Objects.requireNonNull(url);
    }

    /** A JSON POST of the run, its failed task and error, and a link to the web UI. */
    public static Notifier webhook(String url) {
        return new Notifier("webhook", url);
    }

    /** A Slack (or Mattermost, Teams workflow) incoming webhook: a {@code {"text": ...}} message. */
    public static Notifier slack(String url) {
        return new Notifier("slack", url);
    }

    /** The events to send; without this call, {@code FAILED} and {@code DEADLINE_MISSED}. */
    public Notifier on(RunEvent... toSend) {
        events.addAll(List.of(toSend));
        return this;
    }

    /**
     * Signs each delivery with the value of this environment variable of the Gale server, in the
     * header {@code Gale-Signature: sha256=<hex HMAC of "<Gale-Timestamp>.<body>">}.
     */
    public Notifier signedWithSecretFrom(String environmentVariable) {
        this.secretEnv = Objects.requireNonNull(environmentVariable);
        return this;
    }

    NotifierSpec toSpec(String dagId) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new DagDefinitionException(dagId, "notifier URL '" + url + "' is not a URL: " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new DagDefinitionException(dagId, "notifier URL '" + url + "' must start with http:// or https://");
        }
        List<String> wire = new ArrayList<>();
        (events.isEmpty() ? Set.of(RunEvent.FAILED, RunEvent.DEADLINE_MISSED) : events).stream().sorted()
                .forEach(e -> wire.add(e.wireName()));
        return new NotifierSpec(kind, url, wire, secretEnv);
    }
}

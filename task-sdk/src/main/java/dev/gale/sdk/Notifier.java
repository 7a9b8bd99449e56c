package dev.gale.sdk;

import dev.gale.sdk.spec.NotifierSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tells someone about a DAG's runs, declared with the DAG:
 * {@code .notify(Notifier.webhook("https://ops.example.com/gale").on(RunEvent.FAILED).signedWithSecretFrom("GALE_HOOK_SECRET"))}.
 * Deliveries are retried with backoff until they succeed (at least once), and recorded with their status.
 * {@code Notifier.email("oncall@example.com")} sends an email through the SMTP server of a Connection.
 */
public final class Notifier {
    /** What a notifier is told about. */
    public enum RunEvent {
        SUCCESS, FAILED, DEADLINE_MISSED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The Connection an email notifier sends through unless told another. */
    public static final String DEFAULT_SMTP_CONNECTION = "smtp_default";

    private static final Pattern ADDRESS = Pattern.compile("[^@\\s<>,;\"]+@[^@\\s<>,;\"]+");
    private static final Pattern CONN_ID = Pattern.compile("[A-Za-z0-9_.-]{1,250}");

    private final String kind;
    private final String url;
    private final List<String> to;
    private String connId;
    private final Set<RunEvent> events = new LinkedHashSet<>();
    private String secretEnv;

    private Notifier(String kind, String url, List<String> to, String connId) {
        this.kind = kind;
        this.url = url;
        this.to = to;
        this.connId = connId;
    }

    /** A JSON POST of the run, its failed task and error, and a link to the web UI. */
    public static Notifier webhook(String url) {
        return new Notifier("webhook", Objects.requireNonNull(url), List.of(), null);
    }

    /** A Slack (or Mattermost, Teams workflow) incoming webhook: a {@code {"text": ...}} message. */
    public static Notifier slack(String url) {
        return new Notifier("slack", Objects.requireNonNull(url), List.of(), null);
    }

    /**
     * An email to these addresses, saying the DAG, the run, its state, the failed tasks, the error and
     * a link to the web UI; sent by the Gale server through the SMTP server of the Connection
     * {@value #DEFAULT_SMTP_CONNECTION} (type {@code smtp}), or the one named by {@link #connection}.
     */
    public static Notifier email(String... to) {
        return new Notifier("email", null, List.of(to), DEFAULT_SMTP_CONNECTION);
    }

    /** The Connection (type {@code smtp}: host, port, login, password) an email notifier sends through. */
    public Notifier connection(String smtpConnId) {
        if (!"email".equals(kind)) {
            throw new IllegalStateException("connection(...) is for email notifiers; a " + kind
                    + " notifier sends to its URL");
        }
        this.connId = Objects.requireNonNull(smtpConnId);
        return this;
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
        List<String> wire = new ArrayList<>();
        (events.isEmpty() ? Set.of(RunEvent.FAILED, RunEvent.DEADLINE_MISSED) : events).stream().sorted()
                .forEach(e -> wire.add(e.wireName()));
        if ("email".equals(kind)) {
            checkEmail(dagId);
            return new NotifierSpec(kind, null, wire, null, to, connId);
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new DagDefinitionException(dagId, "notifier URL '" + url + "' is not a URL: " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new DagDefinitionException(dagId, "notifier URL '" + url + "' must start with http:// or https://");
        }
        return new NotifierSpec(kind, url, wire, secretEnv, List.of(), null);
    }

    private void checkEmail(String dagId) {
        if (to.isEmpty()) {
            throw new DagDefinitionException(dagId, "an email notifier needs at least one address, e.g."
                    + " Notifier.email(\"oncall@example.com\")");
        }
        for (String address : to) {
            if (address == null || !ADDRESS.matcher(address).matches()) {
                throw new DagDefinitionException(dagId, "email notifier address '" + address
                        + "' is not an email address such as oncall@example.com");
            }
        }
        if (!CONN_ID.matcher(connId).matches()) {
            throw new DagDefinitionException(dagId, "email notifier connection '" + connId
                    + "' is not a connection id (1 to 250 letters, digits, '_', '.' or '-')");
        }
        if (secretEnv != null) {
            throw new DagDefinitionException(dagId, "signedWithSecretFrom(...) signs webhook deliveries;"
                    + " an email notifier is not signed");
        }
    }
}

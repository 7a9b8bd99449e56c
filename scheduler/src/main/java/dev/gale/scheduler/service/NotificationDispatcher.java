package dev.gale.scheduler.service;

import dev.gale.scheduler.engine.DeliveryRetry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Delivers run notifications from the outbox on its own thread, so that a slow or failing receiver
 * never holds up scheduling: a JSON POST (Gale's webhook format, or Slack's {@code {"text": ...}}),
 * signed when the notifier names a secret, or an email through an smtp Connection
 * ({@link EmailNotifications}); retried with backoff until delivered or out of attempts.
 * Delivery is at least once: a receiver may see a notification twice, with the same
 * {@code Gale-Delivery} id. Each pass also records the deadlines runs missed.
 */
public final class NotificationDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotificationDispatcher.class);
    private static final Duration LEASE = Duration.ofMinutes(1);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int BATCH = 50;

    private final NotificationOutbox outbox;
    private final Function<String, String> environment;
    private final String uiBaseUrl;
    private final DeliveryRetry retry;
    private final Clock clock;
    private final EmailNotifications email;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gale-notifications");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param environment reads the server's environment variables, where notifiers' secrets are
     * @param uiBaseUrl   the web UI's address as receivers reach it, for the link to the run
     * @param connections finds a Connection by id, for the SMTP server of email notifiers
     */
    public NotificationDispatcher(NotificationOutbox outbox, Function<String, String> environment, String uiBaseUrl,
                                  Function<String, Optional<Connection>> connections, DeliveryRetry retry,
                                  Clock clock) {
        this.email = new EmailNotifications(connections);
        this.outbox = outbox;
        this.environment = environment;
        this.uiBaseUrl = uiBaseUrl.endsWith("/") ? uiBaseUrl.substring(0, uiBaseUrl.length() - 1) : uiBaseUrl;
        this.retry = retry;
        this.clock = clock;
    }

    public void start(Duration every) {
        executor.scheduleWithFixedDelay(() -> {
            try {
                outbox.recordMissedDeadlines(clock.instant());
                while (deliverDue() == BATCH) {
                    log.debug("A full batch of notifications was due; delivering the next at once");
                }
            } catch (RuntimeException e) {
                log.error("Notification pass failed; the next pass retries", e);
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Attempts each due notification once; returns how many it attempted. */
    public int deliverDue() {
        List<PendingNotification> due = outbox.claimDue(clock.instant(), LEASE, BATCH);
        for (PendingNotification notification : due) {
            deliver(notification);
        }
        return due.size();
    }

    private void deliver(PendingNotification notification) {
        JsonNode notifier = json.readTree(notification.notifierJson());
        ObjectNode payload = (ObjectNode) json.readTree(notification.payloadJson());
        String link = uiBaseUrl + "/dags/" + payload.get("dagId").asString() + "/runs/" + payload.get("runId").asString();
        payload.put("url", link);
        if ("email".equals(notifier.path("kind").asString())) {
            EmailNotifications.Attempt sent = email.send(notifier, payload, link, notification.id());
            if (sent.sent()) {
                outbox.delivered(notification.id(), sent.replyCode() == null ? 250 : sent.replyCode(), clock.instant());
            } else {
                failed(notification, sent.replyCode(), sent.error());
            }
            return;
        }
        String body = "slack".equals(notifier.path("kind").asString()) ? json.writeValueAsString(Map.of("text",
                slackText(payload, link))) : json.writeValueAsString(payload);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(notifier.get("url").asString()))
                .timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                .header("User-Agent", "Gale").header("Gale-Event", notification.event())
                .header("Gale-Delivery", Long.toString(notification.id())).header("Gale-Timestamp", timestamp)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        String secretEnv = notifier.path("secretEnv").asString(null);
        if (secretEnv != null) {
            String secret = environment.apply(secretEnv);
            if (secret == null || secret.isEmpty()) {
                failed(notification, null, "the server's environment variable " + secretEnv
                        + " (the notifier's signing secret) is not set");
                return;
            }
            request.header("Gale-Signature", "sha256=" + sign(secret, timestamp + "." + body));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 == 2) {
                outbox.delivered(notification.id(), response.statusCode(), clock.instant());
            } else {
                String answer = response.body().length() > 500 ? response.body().substring(0, 500) : response.body();
                failed(notification, response.statusCode(), "the receiver answered " + response.statusCode()
                        + (answer.isBlank() ? "" : ": " + answer));
            }
        } catch (java.io.IOException e) {
            failed(notification, null, "cannot reach " + notifier.get("url").asString() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void failed(PendingNotification notification, Integer statusCode, String error) {
        var retryAt = retry.nextAttempt(notification.attempt(), clock.instant());
        outbox.attemptFailed(notification.id(), statusCode, error, retryAt);
        log.warn("Notification {} ({}) attempt {} failed: {}; {}", notification.id(), notification.event(),
                notification.attempt(), error, retryAt.map(t -> "retrying at " + t).orElse("giving up"));
    }

    private static String slackText(JsonNode payload, String link) {
        String what = switch (payload.get("event").asString()) {
            case "success" -> ":white_check_mark: succeeded";
            case "failed" -> ":x: failed";
            default -> ":alarm_clock: missed its deadline";
        };
        StringBuilder text = new StringBuilder("DAG *" + payload.get("dagId").asString() + "* run `"
                + payload.get("runId").asString() + "` " + what);
        if (!payload.path("error").isNull() && !payload.path("error").asString("").isEmpty()) {
            text.append(": ").append(payload.get("error").asString());
        }
        return text.append(" <").append(link).append("|View run>").toString();
    }

    /** HMAC-SHA256 of {@code message} under {@code secret}, as lowercase hex. */
    public static String sign(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

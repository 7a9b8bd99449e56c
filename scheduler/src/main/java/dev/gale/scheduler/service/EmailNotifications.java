package dev.gale.scheduler.service;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends a run notification as an email through the SMTP server of a Connection of type {@code smtp}:
 * its host, port, login and password, and in its extra {@code from} (the sender; else the login),
 * {@code ssl} (true: SMTPS, port 465 unless set) and {@code starttls} (true: required; false: never;
 * unset: when the server offers it). The Message-ID is the notification's, so that a mail client can
 * drop a second copy of an at-least-once delivery.
 */
final class EmailNotifications {
    static final String SMTP = "smtp";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One attempt's outcome: the server's last reply code (null if it never answered) and, when not sent, why. */
    record Attempt(Integer replyCode, String error) {
        boolean sent() {
            return error == null;
        }
    }

    private final Function<String, Optional<Connection>> connections;

    EmailNotifications(Function<String, Optional<Connection>> connections) {
        this.connections = connections;
    }

    Attempt send(JsonNode notifier, JsonNode payload, String link, long notificationId) {
        String connId = notifier.path("connId").asString("");
        Connection connection;
        try {
            connection = connections.apply(connId).orElse(null);
        } catch (RuntimeException e) {
            return new Attempt(null, "cannot read connection '" + connId + "': " + e.getMessage());
        }
        if (connection == null) {
            return new Attempt(null, "connection '" + connId + "' does not exist; create it with type smtp"
                    + " (PUT /api/v1/connections/" + connId + ", or the server's environment variable GALE_CONN_"
                    + connId.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_")
                    + "=smtp://user:password@host:587)");
        }
        if (!SMTP.equals(connection.type())) {
            return new Attempt(null, "connection '" + connId + "' is of type '" + connection.type()
                    + "', not smtp; an email notifier sends through a connection of type smtp");
        }
        if (connection.host() == null || connection.host().isBlank()) {
            return new Attempt(null, "connection '" + connId + "' names no host (the SMTP server)");
        }
        JsonNode extra = connection.extraJson() == null ? JSON.createObjectNode() : JSON.readTree(connection.extraJson());
        boolean ssl = extra.path("ssl").asBoolean(false);
        int port = connection.port() != null ? connection.port() : ssl ? 465 : 25;
        String where = (ssl ? "smtps://" : "smtp://") + connection.host() + ":" + port + " (connection '" + connId + "')";
        try {
            Session session = Session.getInstance(properties(connection, extra, ssl, port));
            MimeMessage message = new MimeMessage(session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    setHeader("Message-ID", "<gale-notification-" + notificationId + "@" + connection.host() + ">");
                }
            };
            String from = extra.path("from").asString(extra.path("from_email").asString(connection.login()));
            message.setFrom(new InternetAddress(from == null || from.isBlank() ? "gale@" + connection.host() : from));
            for (JsonNode to : notifier.path("to")) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(to.asString()));
            }
            message.setSubject(subject(payload), "UTF-8");
            message.setText(body(payload, link), "UTF-8");
            message.setHeader("Gale-Event", payload.path("event").asString());
            message.setHeader("Gale-Delivery", Long.toString(notificationId));
            try (Transport transport = session.getTransport(ssl ? "smtps" : "smtp")) {
                transport.connect(connection.host(), port, connection.login(), connection.password());
                Address[] recipients = message.getAllRecipients();
                message.saveChanges();
                transport.sendMessage(message, recipients);
                return new Attempt(transport instanceof SMTPTransport smtp ? smtp.getLastReturnCode() : null, null);
            }
        } catch (AddressException e) {
            return new Attempt(null, "an address of the email is not valid: " + e.getMessage());
        } catch (SMTPSendFailedException e) {
            return new Attempt(e.getReturnCode(), "the SMTP server " + where + " refused the email: "
                    + e.getMessage().strip());
        } catch (MessagingException e) {
            return new Attempt(null, "cannot send through " + where + ": " + e);
        }
    }

    private static Properties properties(Connection connection, JsonNode extra, boolean ssl, int port) {
        String protocol = ssl ? "smtps" : "smtp";
        Properties props = new Properties();
        props.put("mail." + protocol + ".host", connection.host());
        props.put("mail." + protocol + ".port", Integer.toString(port));
        props.put("mail." + protocol + ".auth", Boolean.toString(connection.login() != null && !connection.login().isEmpty()));
        props.put("mail." + protocol + ".connectiontimeout", Long.toString(TIMEOUT.toMillis()));
        props.put("mail." + protocol + ".timeout", Long.toString(TIMEOUT.toMillis()));
        props.put("mail." + protocol + ".writetimeout", Long.toString(TIMEOUT.toMillis()));
        if (!ssl) {
            JsonNode starttls = extra.path("starttls");
            boolean off = starttls.isBoolean() && !starttls.asBoolean() || "false".equals(starttls.asString(""));
            boolean required = starttls.isBoolean() && starttls.asBoolean() || "true".equals(starttls.asString(""));
            props.put("mail.smtp.starttls.enable", Boolean.toString(!off));
            props.put("mail.smtp.starttls.required", Boolean.toString(required));
        }
        return props;
    }

    static String subject(JsonNode payload) {
        String what = switch (payload.path("event").asString("")) {
            case "success" -> "succeeded";
            case "failed" -> "failed";
            default -> "missed its deadline";
        };
        return "[Gale] DAG " + payload.path("dagId").asString() + " run " + payload.path("runId").asString() + " " + what;
    }

    static String body(JsonNode payload, String link) {
        StringBuilder body = new StringBuilder()
                .append("DAG:          ").append(payload.path("dagId").asString()).append('\n')
                .append("Run:          ").append(payload.path("runId").asString())
                .append(" (").append(payload.path("runType").asString()).append(")\n")
                .append("Event:        ").append(payload.path("event").asString()).append('\n')
                .append("State:        ").append(payload.path("state").asString()).append('\n');
        if (!payload.path("logicalDate").isNull() && payload.has("logicalDate")) {
            body.append("Logical date: ").append(payload.path("logicalDate").asString()).append('\n');
        }
        StringBuilder failed = new StringBuilder();
        payload.path("failedTasks").forEach(t -> failed.append(failed.isEmpty() ? "" : ", ").append(t.asString()));
        if (!failed.isEmpty()) {
            body.append("Failed tasks: ").append(failed).append('\n');
        }
        String error = payload.path("error").asString("");
        if (!payload.path("error").isNull() && !error.isEmpty()) {
            body.append("Error:        ").append(error).append('\n');
        }
        return body.append('\n').append("View the run: ").append(link).append('\n').toString();
    }
}

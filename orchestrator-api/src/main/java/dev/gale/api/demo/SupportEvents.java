package dev.gale.api.demo;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import tools.jackson.databind.json.JsonMapper;

/**
 * Synthetic customer events for the support example (the support_stream DAG): bookings made and changed, chat messages, e-mails,
 * social posts and refunds of a few hundred customers, with the kind of personal data real events carry
 * (e-mail addresses, phone numbers, card numbers) so that masking has something to do. The same seed
 * gives the same events.
 */
public final class SupportEvents {
    /** One event as produced to Kafka: the record key (the event id) and the JSON value. */
    public record Event(String key, String json, int customerId) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> CITIES = List.of("Lisbon", "Oslo", "Nairobi", "Montreal", "Osaka", "Lima",
            "Cairo", "Vienna", "Austin", "Perth");
    private static final List<String> FIRST = List.of("Ada", "Grace", "Linus", "Ines", "Kofi", "Mei", "Omar", "Sara",
            "Tariq", "Yuki");
    private static final List<String> LAST = List.of("Lovelace", "Hopper", "Okafor", "Silva", "Tanaka", "Haddad",
            "Novak", "Reyes", "Berg", "Mensah");

    private final Random random;
    private final int customers;
    private final String runTag;
    private long sequence;

    /** Events of {@code customers} customers; {@code runTag} makes the event ids of one generator run unique. */
    public SupportEvents(long seed, int customers, String runTag) {
        this.random = new Random(seed);
        this.customers = customers;
        this.runTag = runTag;
    }

    public Event next(Instant now) {
        int customer = 1 + random.nextInt(customers);
        String name = FIRST.get(customer % FIRST.size()) + " " + LAST.get((customer / FIRST.size()) % LAST.size());
        String email = name.toLowerCase().replace(' ', '.') + "@example.com";
        String phone = "+1 415 555 " + String.format("%04d", customer);
        String booking = "BK-" + (1000 + customer * 7 % 9000);
        String from = CITIES.get(random.nextInt(CITIES.size()));
        String to = CITIES.get(random.nextInt(CITIES.size()));
        int day = 1 + random.nextInt(28);
        String type;
        String channel;
        String text;
        switch (random.nextInt(6)) {
            case 0 -> {
                type = "booking_made";
                channel = "web";
                text = name + " booked " + booking + " from " + from + " to " + to + " on December " + day
                        + ", paid with card 4111 1111 1111 " + String.format("%04d", customer) + ".";
            }
            case 1 -> {
                type = "booking_changed";
                channel = "app";
                text = name + " moved booking " + booking + " to December " + day + ", now flying " + from + " to "
                        + to + ". Confirmation sent to " + email + ".";
            }
            case 2 -> {
                type = "chat_message";
                channel = "chat";
                text = name + " wrote in chat: my flight " + booking + " to " + to + " is delayed again, call me on "
                        + phone + " please.";
            }
            case 3 -> {
                type = "email";
                channel = "email";
                text = "E-mail from " + email + ": I still have not received the invoice for " + booking
                        + ". Regards, " + name + ".";
            }
            case 4 -> {
                type = "social_post";
                channel = "social";
                text = "@" + name.replace(" ", "") + " posted: worst check-in queue ever in " + from
                        + ", lost an hour for " + booking + ".";
            }
            default -> {
                type = "refund";
                channel = "back_office";
                text = "Refund of " + (20 + random.nextInt(480)) + " EUR issued to " + name + " for " + booking
                        + " to card ending " + String.format("%04d", customer) + ".";
            }
        }
        String key = "evt-" + runTag + "-" + (++sequence);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("eventId", key);
        value.put("customerId", customer);
        value.put("type", type);
        value.put("channel", channel);
        value.put("bookingId", booking);
        value.put("timestamp", now.toString());
        value.put("text", text);
        return new Event(key, JSON.writeValueAsString(value), customer);
    }
}

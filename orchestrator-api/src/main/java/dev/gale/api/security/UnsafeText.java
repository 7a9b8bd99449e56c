package dev.gale.api.security;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Text a client sends that Gale cannot keep as sent: PostgreSQL refuses the NUL character in text and
 * JSON, and a lone UTF-16 surrogate has no UTF-8 form, so either would fail deep in a query or be
 * stored altered. Checked at the edge, so that the refusal can name the field.
 */
public final class UnsafeText {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private UnsafeText() {
    }

    /** Why {@code value} cannot be accepted, or null when it can. */
    public static String problem(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\u0000') {
                return "must not contain the NUL character (\\u0000), which PostgreSQL cannot store";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "must not contain a lone UTF-16 surrogate (such as \\ud800 without its pair): it is not text";
            }
            if (Character.isLowSurrogate(c)) {
                return "must not contain a lone UTF-16 surrogate (such as \\udc00 without its pair): it is not text";
            }
        }
        return null;
    }

    /** As {@link #problem}, and also refusing the other control characters, which no name or query value needs. */
    public static String problemInName(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\u0000' && (c < 0x20 || c == 0x7f)) {
                return "must not contain control characters (found \\u" + String.format("%04x", (int) c) + ")";
            }
        }
        return problem(value);
    }

    /** An unsafe string in a JSON document: where (a JSON pointer such as {@code /conf/name}) and why. */
    public record Found(String pointer, boolean propertyName, String problem) {
    }

    /**
     * The unsafe strings and property names of a JSON document, in document order.
     *
     * @throws JacksonException when the document is not JSON
     */
    public static List<Found> inJson(byte[] document) {
        List<Found> found = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(document)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.PROPERTY_NAME || token == JsonToken.VALUE_STRING) {
                    String problem = problem(parser.getString());
                    if (problem != null) {
                        found.add(new Found(parser.streamReadContext().pathAsPointer().toString(),
                                token == JsonToken.PROPERTY_NAME, problem));
                    }
                }
            }
        }
        return found;
    }
}

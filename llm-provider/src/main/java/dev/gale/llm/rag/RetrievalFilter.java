package dev.gale.llm.rag;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which part of an index a search may return ({@code conf.filter} of rag_answer and rag_eval); every part
 * given must hold. {@code pathPrefix}: an absolute path prefix, or a relative one that matches from any
 * directory boundary ({@code guides/} matches {@code /srv/docs/guides/a.md}); {@code types}: document types
 * ({@code markdown}, {@code mdx}, {@code rst}, {@code asciidoc}, {@code notebook}, {@code html}, {@code pdf},
 * {@code docx}, {@code pptx}, {@code odt}, {@code text}), any of them; {@code heading}: a heading the chunk
 * sits under, at any level, ignoring case; {@code dateFrom}/{@code dateTo}: the document's date, both
 * inclusive; {@code fields}: front-matter fields, each equal (ignoring case) to the value given or, for a
 * list field, holding it.
 */
public record RetrievalFilter(String pathPrefix, List<String> types, String heading, LocalDate dateFrom,
                              LocalDate dateTo, Map<String, String> fields) {
    public static final RetrievalFilter NONE = new RetrievalFilter(null, List.of(), null, null, null, Map.of());
    private static final Set<String> KEYS = Set.of("pathPrefix", "type", "heading", "dateFrom", "dateTo", "fields");

    public RetrievalFilter {
        types = types == null ? List.of() : List.copyOf(types);
        fields = fields == null ? Map.of() : Map.copyOf(fields);
        if (dateFrom != null && dateTo != null && dateFrom.isAfter(dateTo)) {
            throw new IllegalArgumentException("filter: dateFrom " + dateFrom + " is after dateTo " + dateTo);
        }
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    /**
     * The filter a run's {@code conf.filter} describes, e.g. {@code {"pathPrefix": "guides/", "type": ["markdown",
     * "mdx"], "heading": "Install", "dateFrom": "2025-01-01", "fields": {"tags": "ops"}}}; null or empty is no filter.
     */
    public static RetrievalFilter of(Object conf) {
        if (conf == null) {
            return NONE;
        }
        if (!(conf instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("conf filter must be an object such as {\"pathPrefix\": \"guides/\"},"
                    + " not " + conf);
        }
        for (Object key : map.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw new IllegalArgumentException("conf filter: unknown key '" + key + "'; use " + KEYS.stream()
                        .sorted().toList() + " (front-matter fields go under \"fields\")");
            }
        }
        Object type = map.get("type");
        List<String> types = type == null ? List.of() : type instanceof List<?> list
                ? list.stream().map(String::valueOf).toList() : List.of(String.valueOf(type));
        Map<String, String> fields = new LinkedHashMap<>();
        Object given = map.get("fields");
        if (given instanceof Map<?, ?> f) {
            f.forEach((k, v) -> fields.put(String.valueOf(k), String.valueOf(v)));
        } else if (given != null) {
            throw new IllegalArgumentException("conf filter.fields must be an object of front-matter fields, e.g."
                    + " {\"tags\": \"ops\"}, not " + given);
        }
        return new RetrievalFilter(text(map.get("pathPrefix")), types, text(map.get("heading")),
                date(map.get("dateFrom"), "dateFrom"), date(map.get("dateTo"), "dateTo"), fields);
    }

    private static String text(Object value) {
        return value == null || String.valueOf(value).isBlank() ? null : String.valueOf(value).strip();
    }

    private static LocalDate date(Object value, String key) {
        String text = text(value);
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("conf filter." + key + ": '" + text + "' is not a date; write it as"
                    + " yyyy-MM-dd, e.g. 2025-01-31", e);
        }
    }
}

package dev.gale.llm.rag;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One piece of a document, as indexed: its text (which begins with the heading it sits under, so that
 * both the words and the meaning of the heading count in search), the document's path and content
 * fingerprint, the heading path and its position in the document; the document's type ({@code markdown},
 * {@code pdf} ...), its date ({@code yyyy-MM-dd}: its front matter's {@code date}, else the file's) and
 * the fields of its front matter, which retrieval can filter on.
 */
public record Chunk(String id, String path, String heading, int index, String text, String fingerprint, String type,
                    String date, Map<String, List<String>> fields) {
    /** Metadata keys of front-matter fields begin with this; a list value is joined by {@link #LIST_SEPARATOR}. */
    public static final String FIELD = "field.";
    public static final String LIST_SEPARATOR = ", ";

    public Chunk {
        fields = fields == null ? Map.of() : Map.copyOf(fields);
    }

    public TextSegment segment() {
        Metadata metadata = new Metadata().put("path", path).put("heading", heading).put("chunkIndex", index)
                .put("fingerprint", fingerprint);
        if (type != null) {
            metadata.put("type", type);
        }
        if (date != null) {
            metadata.put("date", date);
        }
        fields.forEach((key, values) -> metadata.put(FIELD + key, String.join(LIST_SEPARATOR, values)));
        return TextSegment.from(text, metadata);
    }

    /** The chunk a search returned. */
    public static Chunk of(String id, TextSegment segment) {
        Metadata m = segment.metadata();
        Map<String, List<String>> fields = new LinkedHashMap<>();
        m.toMap().forEach((key, value) -> {
            if (key.startsWith(FIELD)) {
                fields.put(key.substring(FIELD.length()), Arrays.asList(String.valueOf(value).split(LIST_SEPARATOR)));
            }
        });
        return new Chunk(id, m.getString("path"), m.getString("heading"),
                m.getInteger("chunkIndex") == null ? 0 : m.getInteger("chunkIndex"), segment.text(),
                m.getString("fingerprint"), m.getString("type"), m.getString("date"), fields);
    }
}

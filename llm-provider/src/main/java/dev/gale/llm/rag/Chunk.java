package dev.gale.llm.rag;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;

/**
 * One piece of a document, as indexed: its text (which begins with the heading it sits under, so that
 * both the words and the meaning of the heading count in search), the document's path and content
 * fingerprint, the heading path and its position in the document.
 */
public record Chunk(String id, String path, String heading, int index, String text, String fingerprint) {

    public TextSegment segment() {
        Metadata metadata = new Metadata().put("path", path).put("heading", heading).put("chunkIndex", index)
                .put("fingerprint", fingerprint);
        return TextSegment.from(text, metadata);
    }

    /** The chunk a search returned. */
    public static Chunk of(String id, TextSegment segment) {
        Metadata m = segment.metadata();
        return new Chunk(id, m.getString("path"), m.getString("heading"),
                m.getInteger("chunkIndex") == null ? 0 : m.getInteger("chunkIndex"), segment.text(),
                m.getString("fingerprint"));
    }
}

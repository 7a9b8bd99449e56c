package dev.gale.llm.rag;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a document's sections as its parser walks it: each heading opens a section whose name is the
 * heading path ("Guide > Install > Linux"); text before the first heading sits under the document's title.
 */
final class Outline {
    /** A run of text under one heading path. */
    record Section(String heading, String text) {
    }

    private final String[] path = new String[7];
    private final List<Section> sections = new ArrayList<>();
    private final StringBuilder body = new StringBuilder();
    private String heading;

    Outline(String title) {
        this.heading = title;
    }

    /** Opens a section under a heading of {@code level} (1 to 6; deeper levels count as 6). */
    void heading(int level, String title) {
        flush();
        int l = Math.max(1, Math.min(6, level));
        path[l] = title.strip();
        for (int deeper = l + 1; deeper < path.length; deeper++) {
            path[deeper] = null;
        }
        List<String> parts = new ArrayList<>();
        for (int i = 1; i < path.length; i++) {
            if (path[i] != null && !path[i].isEmpty()) {
                parts.add(path[i]);
            }
        }
        heading = String.join(" > ", parts);
    }

    /** Adds a block of text (a paragraph, a list, a code block) to the current section. */
    void text(String block) {
        body.append(block).append("\n\n");
    }

    /** Adds the lines gathered so far as one block, if there are any, and empties {@code lines}. */
    void paragraph(StringBuilder lines) {
        if (!lines.isEmpty()) {
            text(lines.toString().strip());
            lines.setLength(0);
        }
    }

    List<Section> sections() {
        flush();
        return List.copyOf(sections);
    }

    private void flush() {
        if (!body.isEmpty()) {
            sections.add(new Section(heading, body.toString()));
            body.setLength(0);
        }
    }
}

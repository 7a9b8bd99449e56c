package dev.gale.llm.rag;

import java.util.List;
import java.util.Map;

/**
 * What a parser read from one file: its type ({@code markdown}, {@code mdx}, {@code pdf} ...), the fields
 * of its front matter or header attributes (a list value is kept as a list), and its text by section.
 */
record ParsedDocument(String type, Map<String, List<String>> fields, List<Outline.Section> sections) {
    ParsedDocument {
        fields = Map.copyOf(fields);
        sections = List.copyOf(sections);
    }
}

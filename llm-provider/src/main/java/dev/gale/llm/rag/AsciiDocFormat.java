package dev.gale.llm.rag;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AsciiDoc's document structure, read line by line as the AsciiDoc language defines it (Asciidoctor itself
 * needs JRuby): {@code = Title} is the document title and {@code ==} to {@code ======} section titles of
 * levels 1 to 5; attribute entries in the header ({@code :author: x}) are the document's fields. Inside
 * listing and literal blocks ({@code ----}, {@code ....}) nothing is a title; comment blocks and lines,
 * block attribute lines ({@code [source,java]}) and preprocessor or block macros ({@code include::x[]},
 * {@code image::x[]}) are dropped.
 */
final class AsciiDocFormat {
    private static final Set<String> VERBATIM = Set.of("----", "....", "++++");
    private static final Set<String> DELIMITERS = Set.of("====", "****", "____", "--", "|===", "```");

    private AsciiDocFormat() {
    }

    static ParsedDocument parse(String text, String title) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        Outline outline = new Outline(title);
        StringBuilder paragraph = new StringBuilder();
        String verbatim = null;
        boolean inComment = false;
        boolean inHeader = true;
        for (String line : text.replace("\r\n", "\n").split("\n", -1)) {
            String stripped = line.strip();
            if (inComment) {
                inComment = !stripped.equals("////");
                continue;
            }
            if (verbatim != null) {
                if (stripped.equals(verbatim)) {
                    verbatim = null;
                    outline.paragraph(paragraph);
                } else {
                    paragraph.append(line).append('\n');
                }
                continue;
            }
            if (stripped.equals("////")) {
                inComment = true;
            } else if (VERBATIM.contains(stripped)) {
                outline.paragraph(paragraph);
                verbatim = stripped;
            } else if (stripped.startsWith("=") && level(stripped) > 0) {
                outline.paragraph(paragraph);
                int level = level(stripped);
                outline.heading(level, stripped.substring(level).strip());
                inHeader = level == 1;
            } else if (inHeader && stripped.startsWith(":") && stripped.indexOf(':', 1) > 1) {
                int end = stripped.indexOf(':', 1);
                fields.put(stripped.substring(1, end).strip(), List.of(stripped.substring(end + 1).strip()));
            } else if (stripped.isEmpty()) {
                outline.paragraph(paragraph);
                inHeader = false;
            } else if (!isMarkup(stripped)) {
                paragraph.append(stripped.startsWith(".") && !stripped.startsWith("..") ? stripped.substring(1)
                        : stripped).append('\n');
            }
        }
        outline.paragraph(paragraph);
        return new ParsedDocument("asciidoc", fields, outline.sections());
    }

    /** The level of a title line ({@code == Install} is 2), or 0 when the line is not a title. */
    private static int level(String line) {
        int level = 0;
        while (level < line.length() && line.charAt(level) == '=') {
            level++;
        }
        return level <= 6 && level < line.length() && line.charAt(level) == ' ' ? level : 0;
    }

    /** Lines that shape the document and hold no prose of their own. */
    private static boolean isMarkup(String line) {
        return line.startsWith("//") || DELIMITERS.contains(line)
                || line.startsWith("[") && line.endsWith("]")
                || line.matches("[a-z]+::\\S*\\[.*]");
    }
}

package dev.gale.llm.rag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * reStructuredText's document structure, read line by line as docutils defines it (there is no maintained
 * reStructuredText parser on the JVM): a section title is a line underlined (and maybe overlined) by one
 * repeated punctuation character at least as long as the title, and levels follow the order in which the
 * adornment styles first appear. Field lists before the first title (docinfo, e.g. {@code :date:}) are the
 * document's fields; directive lines ({@code .. image:: x}, {@code .. code-block:: java}) and their options
 * are dropped while their indented content is kept, and comments are dropped.
 */
final class RestructuredTextFormat {
    private static final String ADORNMENT = "=-`:'\"~^_*+#<>.";

    private RestructuredTextFormat() {
    }

    static ParsedDocument parse(String text, String title) {
        String[] lines = text.replace("\r\n", "\n").split("\n", -1);
        List<String> styles = new ArrayList<>();
        Map<String, List<String>> fields = new LinkedHashMap<>();
        Outline outline = new Outline(title);
        StringBuilder paragraph = new StringBuilder();
        boolean seenTitle = false;
        boolean inComment = false;
        boolean inDirectiveOptions = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String stripped = line.strip();
            boolean overline = isAdornment(stripped) && i + 2 < lines.length && !lines[i + 1].isBlank()
                    && stripped.equals(lines[i + 2].strip()) && stripped.length() >= lines[i + 1].strip().length();
            boolean underline = !overline && !stripped.isEmpty() && !isAdornment(stripped) && !line.startsWith(" ")
                    && i + 1 < lines.length && isAdornment(lines[i + 1].strip())
                    && lines[i + 1].strip().length() >= stripped.length();
            if (overline || underline) {
                outline.paragraph(paragraph);
                String name = overline ? lines[i + 1].strip() : stripped;
                String style = (overline ? "over" : "") + (overline ? stripped : lines[i + 1].strip()).charAt(0);
                if (!styles.contains(style)) {
                    styles.add(style);
                }
                outline.heading(styles.indexOf(style) + 1, name);
                seenTitle = true;
                i += overline ? 2 : 1;
                inComment = false;
                continue;
            }
            if (inComment || inDirectiveOptions) {
                if (line.startsWith(" ") && (inComment || stripped.startsWith(":"))) {
                    continue;
                }
                inComment = false;
                inDirectiveOptions = false;
            }
            if (stripped.startsWith("..")) {
                outline.paragraph(paragraph);
                if (stripped.contains("::")) {
                    inDirectiveOptions = true;
                } else {
                    inComment = true;
                }
                continue;
            }
            if (!seenTitle && paragraph.isEmpty() && stripped.startsWith(":") && stripped.indexOf(':', 1) > 1) {
                int end = stripped.indexOf(':', 1);
                fields.put(stripped.substring(1, end).strip(), List.of(stripped.substring(end + 1).strip()));
                continue;
            }
            if (stripped.isEmpty()) {
                outline.paragraph(paragraph);
            } else if (!(isAdornment(stripped) && stripped.length() >= 4)) {
                paragraph.append(stripped.endsWith("::") ? stripped.substring(0, stripped.length() - 1) : stripped)
                        .append('\n');
            }
        }
        outline.paragraph(paragraph);
        return new ParsedDocument("rst", fields, outline.sections());
    }


    /** A line of one punctuation character repeated, at least twice. */
    private static boolean isAdornment(String line) {
        if (line.length() < 2 || ADORNMENT.indexOf(line.charAt(0)) < 0) {
            return false;
        }
        return line.chars().allMatch(c -> c == line.charAt(0));
    }
}

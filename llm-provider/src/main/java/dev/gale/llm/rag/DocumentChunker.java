package dev.gale.llm.rag;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.DocumentSplitter;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads, parses and splits one document, by its type (see {@link DocumentFormats}): Markdown and MDX
 * (commonmark-java), reStructuredText, AsciiDoc and Jupyter notebooks into sections by headings, HTML
 * likewise (its h1–h6), Word, PowerPoint and OpenDocument text through Apache Tika, PDF by page, plain
 * text as one section; each section then by LangChain4j's recursive splitter (paragraphs, then lines,
 * sentences, words) into chunks of at most {@code chunkSize} characters overlapping by {@code chunkOverlap}.
 */
public final class DocumentChunker {
    private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private final int chunkSize;
    private final int chunkOverlap;

    public DocumentChunker(int chunkSize, int chunkOverlap) {
        if (chunkSize < 50 || chunkOverlap < 0 || chunkOverlap >= chunkSize) {
            throw new IllegalArgumentException("chunkSize must be at least 50 characters and chunkOverlap between 0"
                    + " and chunkSize - 1; got chunkSize " + chunkSize + ", chunkOverlap " + chunkOverlap);
        }
        this.chunkSize = chunkSize;
        this.chunkOverlap = chunkOverlap;
    }

    /** The chunks of the file at {@code file}, recorded under {@code path} with {@code fingerprint}. */
    public List<Chunk> split(Path file, String path, String fingerprint) {
        String type = DocumentFormats.TYPES.get(extension(file));
        if (type == null) {
            String extension = extension(file);
            throw new BadDocumentException(path + ": unsupported type '" + (extension.isEmpty() ? "(no extension)"
                    : extension) + "'; rag_ingest reads " + DocumentFormats.described());
        }
        ParsedDocument document = DocumentFormats.parse(type, read(file, path), path, title(file));
        String date = date(document, file);
        DocumentSplitter splitter = DocumentSplitters.recursive(chunkSize, chunkOverlap);
        List<Chunk> chunks = new ArrayList<>();
        for (Outline.Section section : document.sections()) {
            String text = clean(section.text());
            if (text.isEmpty()) {
                continue;
            }
            for (TextSegment segment : splitter.split(Document.from(text))) {
                int index = chunks.size();
                chunks.add(new Chunk(fingerprint + "#" + index + "#" + path, path, section.heading(), index,
                        section.heading() + "\n" + segment.text(), fingerprint, document.type(), date,
                        document.fields()));
            }
        }
        if (chunks.isEmpty()) {
            throw new BadDocumentException(path + ": the document is empty (no text after cleaning); add text to it"
                    + " or remove it from the corpus");
        }
        return chunks;
    }

    /** The document's date: its {@code date} field when it begins with an ISO date, else the file's modification day. */
    private static String date(ParsedDocument document, Path file) {
        List<String> declared = document.fields().get("date");
        if (declared != null && !declared.isEmpty()) {
            Matcher iso = ISO_DATE.matcher(declared.getFirst().strip());
            if (iso.lookingAt()) {
                return iso.group();
            }
        }
        try {
            return LocalDate.ofInstant(Files.getLastModifiedTime(file).toInstant(), ZoneOffset.UTC).toString();
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] read(Path file, String path) {
        try {
            return Files.readAllBytes(file);
        } catch (AccessDeniedException e) {
            throw new BadDocumentException(path + ": unreadable (permission denied); give the worker's user read"
                    + " access or remove it from the corpus", e);
        } catch (NoSuchFileException e) {
            throw new BadDocumentException(path + ": no such file (it was removed after discovery?)", e);
        } catch (IOException e) {
            throw new BadDocumentException(path + ": unreadable: " + e.getMessage(), e);
        }
    }

    /** Drops HTML comments and trailing spaces, and keeps at most one blank line in a row. */
    static String clean(String text) {
        return text.replaceAll("(?s)<!--.*?-->", "").replaceAll("[ \\t]+\\n", "\n").replaceAll("\\n{3,}", "\n\n")
                .strip();
    }

    static String extension(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot);
    }

    private static String title(Path file) {
        return file.getFileName().toString();
    }
}

package dev.gale.llm.rag;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.DocumentSplitter;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;

/**
 * Loads, cleans and splits one document, by its type: Markdown into sections by headings, HTML
 * likewise (its h1–h6), PDF by page, plain text as one section; each section then by LangChain4j's
 * recursive splitter (paragraphs, then lines, sentences, words) into chunks of at most
 * {@code chunkSize} characters overlapping by {@code chunkOverlap}.
 */
public final class DocumentChunker {
    public static final List<String> SUPPORTED = List.of(".md", ".markdown", ".txt", ".text", ".html", ".htm", ".pdf");
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.+?)\\s*#*\\s*$");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~).*");

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

    private record Section(String heading, String text) {
    }

    /** The chunks of the file at {@code file}, recorded under {@code path} with {@code fingerprint}. */
    public List<Chunk> split(Path file, String path, String fingerprint) {
        String type = extension(file);
        if (!SUPPORTED.contains(type)) {
            throw new BadDocumentException(path + ": unsupported type '" + (type.isEmpty() ? "(no extension)" : type)
                    + "'; rag_ingest reads Markdown (.md), plain text (.txt), HTML (.html, .htm) and PDF (.pdf)");
        }
        byte[] bytes = read(file, path);
        List<Section> sections = switch (type) {
            case ".md", ".markdown" -> markdown(new String(bytes, StandardCharsets.UTF_8), title(file));
            case ".html", ".htm" -> html(new String(bytes, StandardCharsets.UTF_8), title(file));
            case ".pdf" -> pdf(bytes, path);
            default -> List.of(new Section(title(file), new String(bytes, StandardCharsets.UTF_8)));
        };
        DocumentSplitter splitter = DocumentSplitters.recursive(chunkSize, chunkOverlap);
        List<Chunk> chunks = new ArrayList<>();
        for (Section section : sections) {
            String text = clean(section.text());
            if (text.isEmpty()) {
                continue;
            }
            for (TextSegment segment : splitter.split(Document.from(text))) {
                int index = chunks.size();
                chunks.add(new Chunk(fingerprint + "#" + index + "#" + path, path, section.heading(), index,
                        section.heading() + "\n" + segment.text(), fingerprint));
            }
        }
        if (chunks.isEmpty()) {
            throw new BadDocumentException(path + ": the document is empty (no text after cleaning); add text to it"
                    + " or remove it from the corpus");
        }
        return chunks;
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

    /** Sections under their heading path ("Guide > Install > Linux"); code fences are not read as headings. */
    static List<Section> markdown(String text, String title) {
        List<Section> sections = new ArrayList<>();
        String[] path = new String[7];
        String heading = title;
        StringBuilder body = new StringBuilder();
        boolean inFence = false;
        for (String line : text.replace("\r\n", "\n").split("\n", -1)) {
            if (FENCE.matcher(line).matches()) {
                inFence = !inFence;
            }
            Matcher m = inFence ? null : HEADING.matcher(line);
            if (m != null && m.matches()) {
                sections.add(new Section(heading, body.toString()));
                body.setLength(0);
                int level = m.group(1).length();
                path[level] = m.group(2).strip();
                for (int l = level + 1; l < path.length; l++) {
                    path[l] = null;
                }
                List<String> parts = new ArrayList<>();
                for (int l = 1; l < path.length; l++) {
                    if (path[l] != null) {
                        parts.add(path[l]);
                    }
                }
                heading = String.join(" > ", parts);
            } else {
                body.append(line).append('\n');
            }
        }
        sections.add(new Section(heading, body.toString()));
        return sections;
    }

    /** HTML's visible text in reading order, with h1–h6 as Markdown headings, then split like Markdown. */
    static List<Section> html(String html, String title) {
        org.jsoup.nodes.Document doc = Jsoup.parse(html);
        doc.select("script, style, nav, header, footer, noscript, template").remove();
        StringBuilder markdown = new StringBuilder();
        String blocks = "h1, h2, h3, h4, h5, h6, p, li, pre, blockquote, td, th, dt, dd, figcaption";
        for (Element block : doc.body().select(blocks)) {
            if (block.parents().stream().anyMatch(p -> p.is(blocks))) {
                continue;
            }
            String tag = block.tagName();
            String text = tag.equals("pre") ? block.wholeText() : block.text();
            if (tag.matches("h[1-6]")) {
                markdown.append("#".repeat(tag.charAt(1) - '0')).append(' ').append(text).append("\n\n");
            } else {
                markdown.append(text).append("\n\n");
            }
        }
        String docTitle = doc.title().isBlank() ? title : doc.title().strip();
        return markdown(markdown.toString(), docTitle);
    }

    private static List<Section> pdf(byte[] bytes, String path) {
        try (PDDocument pdf = Loader.loadPDF(bytes)) {
            PDFTextStripper stripper = new PDFTextStripper();
            List<Section> pages = new ArrayList<>();
            for (int page = 1; page <= pdf.getNumberOfPages(); page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                pages.add(new Section("page " + page, stripper.getText(pdf)));
            }
            return pages;
        } catch (IOException e) {
            throw new BadDocumentException(path + ": not a readable PDF (" + e.getMessage() + ")", e);
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

package dev.gale.llm.rag;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.tika.exception.TikaException;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.microsoft.ooxml.OOXMLParser;
import org.apache.tika.parser.odf.OpenDocumentParser;
import org.apache.tika.sax.ToXMLContentHandler;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.xml.sax.SAXException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The document types rag_ingest reads, by file extension, and the parser of each. */
final class DocumentFormats {
    /** Extension to type; the type is what a chunk records and what {@code filter.type} matches. */
    static final Map<String, String> TYPES = types();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private DocumentFormats() {
    }

    private static Map<String, String> types() {
        Map<String, String> types = new LinkedHashMap<>();
        types.put(".md", "markdown");
        types.put(".markdown", "markdown");
        types.put(".mdx", "mdx");
        types.put(".rst", "rst");
        types.put(".adoc", "asciidoc");
        types.put(".asciidoc", "asciidoc");
        types.put(".ipynb", "notebook");
        types.put(".html", "html");
        types.put(".htm", "html");
        types.put(".pdf", "pdf");
        types.put(".docx", "docx");
        types.put(".pptx", "pptx");
        types.put(".odt", "odt");
        types.put(".txt", "text");
        types.put(".text", "text");
        return Collections.unmodifiableMap(types);
    }

    /** What the types are, for an error message: "markdown (.md, .markdown), mdx (.mdx), ...". */
    static String described() {
        return TYPES.entrySet().stream().collect(Collectors.groupingBy(Map.Entry::getValue,
                        LinkedHashMap::new, Collectors.mapping(Map.Entry::getKey, Collectors.joining(", "))))
                .entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "));
    }

    /** Parses {@code bytes} as a document of {@code type}; a document that cannot be read fails naming {@code path}. */
    static ParsedDocument parse(String type, byte[] bytes, String path, String title) {
        return switch (type) {
            case "markdown", "mdx" -> MarkdownFormat.parse(utf8(bytes), title, type);
            case "rst" -> RestructuredTextFormat.parse(utf8(bytes), title);
            case "asciidoc" -> AsciiDocFormat.parse(utf8(bytes), title);
            case "notebook" -> notebook(bytes, path, title);
            case "html" -> html(utf8(bytes), title, type, Map.of());
            case "pdf" -> pdf(bytes, path);
            case "docx", "pptx" -> office(new OOXMLParser(), type, bytes, path, title);
            case "odt" -> office(new OpenDocumentParser(), type, bytes, path, title);
            default -> new ParsedDocument("text", Map.of(), List.of(new Outline.Section(title, utf8(bytes))));
        };
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * A Jupyter notebook (nbformat 4): its Markdown cells, which give it its headings, and its code cells
     * as code blocks in the notebook's language; outputs are dropped (they are results, often large, not
     * documentation).
     */
    private static ParsedDocument notebook(byte[] bytes, String path, String title) {
        JsonNode notebook;
        try {
            notebook = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new BadDocumentException(path + ": not a Jupyter notebook (invalid JSON: "
                    + e.getOriginalMessage() + ")", e);
        }
        if (!notebook.path("cells").isArray()) {
            throw new BadDocumentException(path + ": not a Jupyter notebook (no \"cells\" list; nbformat 4 is read)");
        }
        String language = notebook.path("metadata").path("language_info").path("name").asString("");
        StringBuilder markdown = new StringBuilder();
        for (JsonNode cell : notebook.get("cells")) {
            JsonNode source = cell.path("source");
            String text = source.isArray() ? source.valueStream().map(JsonNode::asString).collect(Collectors.joining())
                    : source.asString("");
            switch (cell.path("cell_type").asString("")) {
                case "markdown" -> markdown.append(text).append("\n\n");
                case "code" -> markdown.append("```").append(language).append('\n').append(text).append("\n```\n\n");
                default -> {
                    // Raw cells hold text for a converter (LaTeX, reST), not for readers.
                }
            }
        }
        ParsedDocument parsed = MarkdownFormat.parse(markdown.toString(), title, "notebook");
        return new ParsedDocument("notebook", Map.of(), parsed.sections());
    }

    /** HTML's visible text in reading order under its h1–h6; scripts, styles and navigation dropped. */
    static ParsedDocument html(String html, String title, String type, Map<String, List<String>> fields) {
        org.jsoup.nodes.Document doc = Jsoup.parse(html);
        doc.select("script, style, nav, header, footer, noscript, template").remove();
        Outline outline = new Outline(doc.title().isBlank() ? title : doc.title().strip());
        String blocks = "h1, h2, h3, h4, h5, h6, p, li, pre, blockquote, td, th, dt, dd, figcaption";
        for (Element block : doc.body().select(blocks)) {
            if (block.parents().stream().anyMatch(p -> p.is(blocks))) {
                continue;
            }
            String tag = block.tagName();
            String text = tag.equals("pre") ? block.wholeText() : block.text();
            if (tag.matches("h[1-6]")) {
                outline.heading(tag.charAt(1) - '0', text);
            } else if (!text.isBlank()) {
                outline.text(text);
            }
        }
        return new ParsedDocument(type, fields, outline.sections());
    }

    private static ParsedDocument pdf(byte[] bytes, String path) {
        try (PDDocument pdf = Loader.loadPDF(bytes)) {
            PDFTextStripper stripper = new PDFTextStripper();
            List<Outline.Section> pages = new ArrayList<>();
            for (int page = 1; page <= pdf.getNumberOfPages(); page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                pages.add(new Outline.Section("page " + page, stripper.getText(pdf)));
            }
            return new ParsedDocument("pdf", Map.of(), pages);
        } catch (IOException e) {
            throw new BadDocumentException(path + ": not a readable PDF (" + e.getMessage() + ")", e);
        }
    }

    /**
     * An office document through Apache Tika, as XHTML (Word's heading styles become h1–h6, each slide a
     * block), then read like HTML; its title and dates become fields.
     */
    private static ParsedDocument office(Parser parser, String type, byte[] bytes, String path, String title) {
        ToXMLContentHandler xhtml = new ToXMLContentHandler();
        Metadata metadata = new Metadata();
        try {
            parser.parse(new ByteArrayInputStream(bytes), xhtml, metadata, new ParseContext());
        } catch (IOException | SAXException | TikaException | RuntimeException e) {
            throw new BadDocumentException(path + ": not a readable ." + type + " document (Apache Tika: "
                    + e.getMessage() + ")", e);
        }
        Map<String, List<String>> fields = new LinkedHashMap<>();
        String declared = metadata.get(TikaCoreProperties.TITLE);
        if (declared != null && !declared.isBlank()) {
            fields.put("title", List.of(declared.strip()));
        }
        String date = metadata.get(TikaCoreProperties.MODIFIED) != null ? metadata.get(TikaCoreProperties.MODIFIED)
                : metadata.get(TikaCoreProperties.CREATED);
        if (date != null) {
            fields.put("date", List.of(date));
        }
        return html(xhtml.toString(), fields.containsKey("title") ? declared.strip() : title, type, fields);
    }
}

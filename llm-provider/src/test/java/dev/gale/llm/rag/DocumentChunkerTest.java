package dev.gale.llm.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentChunkerTest {
    @TempDir
    Path dir;

    private final DocumentChunker chunker = new DocumentChunker(200, 20);

    private List<Chunk> split(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return chunker.split(file, file.toString(), "fp");
    }

    @Test
    void markdownIsSplitByHeadingsWithTheHeadingPathOnEachChunkAndCodeFencesAreNotHeadings() throws Exception {
        List<Chunk> chunks = split("guide.md", """
                # Guide
                Intro text.

                ## Install
                Run the installer.
                ```bash
                # not a heading
                ./install
                ```
                ## Use
                Call it.
                """);

        assertThat(chunks).extracting(Chunk::heading).containsExactly("Guide", "Guide > Install", "Guide > Use");
        assertThat(chunks.get(1).text()).startsWith("Guide > Install\n").contains("# not a heading");
        assertThat(chunks).extracting(Chunk::index).containsExactly(0, 1, 2);
    }

    @Test
    void longSectionsAreSplitIntoOverlappingChunksOfAtMostChunkSize() throws Exception {
        String sentence = "Gale runs tasks on workers that pull them over gRPC. ";
        List<Chunk> chunks = split("long.txt", sentence.repeat(20));

        assertThat(chunks).hasSizeGreaterThan(4);
        assertThat(chunks).allSatisfy(c -> assertThat(c.text().length()).isLessThanOrEqualTo(200 + "long.txt\n".length()));
    }

    @Test
    void htmlKeepsVisibleTextUnderItsHeadingsAndDropsScripts() throws Exception {
        List<Chunk> chunks = split("page.html", """
                <html><head><title>Ops</title><script>var secret = 1;</script></head>
                <body><nav>Menu</nav><h1>Ops</h1><p>Overview.</p><h2>Backups</h2><p>Nightly at <b>two</b>.</p>
                <ul><li>Keep 7 days</li></ul></body></html>""");

        assertThat(chunks).extracting(Chunk::heading).containsExactly("Ops", "Ops > Backups");
        assertThat(chunks.get(1).text()).contains("Nightly at two.", "Keep 7 days");
        assertThat(chunks).noneMatch(c -> c.text().contains("secret") || c.text().contains("Menu"));
    }

    @Test
    void pdfIsReadPageByPageWithPdfBox() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PDDocument pdf = new PDDocument()) {
            for (String text : List.of("Page one talks about pools.", "Page two talks about retries.")) {
                PDPage page = new PDPage();
                pdf.addPage(page);
                try (PDPageContentStream content = new PDPageContentStream(pdf, page)) {
                    content.beginText();
                    content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                    content.newLineAtOffset(72, 700);
                    content.showText(text);
                    content.endText();
                }
            }
            pdf.save(bytes);
        }
        Path file = dir.resolve("manual.pdf");
        Files.write(file, bytes.toByteArray());

        List<Chunk> chunks = chunker.split(file, file.toString(), "fp");

        assertThat(chunks).extracting(Chunk::heading).containsExactly("page 1", "page 2");
        assertThat(chunks.get(1).text()).contains("retries");
    }

    @Test
    void badDocumentsFailWithTheFileAndTheReasonNamed() throws Exception {
        Map<String, String> expected = Map.of(
                "empty.md", "the document is empty",
                "blank.txt", "the document is empty",
                "image.png", "unsupported type '.png'",
                "broken.pdf", "not a readable PDF");
        for (var e : expected.entrySet()) {
            Path file = dir.resolve(e.getKey());
            Files.writeString(file, e.getKey().equals("blank.txt") ? " \n\n  \n" : e.getKey().equals("broken.pdf")
                    ? "not a pdf" : "");
            assertThatThrownBy(() -> chunker.split(file, file.toString(), "fp"))
                    .isInstanceOf(BadDocumentException.class)
                    .hasMessageStartingWith(file.toString()).hasMessageContaining(e.getValue());
        }
        Path missing = dir.resolve("gone.md");
        assertThatThrownBy(() -> chunker.split(missing, missing.toString(), "fp"))
                .hasMessageContaining("no such file");
    }
}

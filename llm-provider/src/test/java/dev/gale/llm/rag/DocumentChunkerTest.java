package dev.gale.llm.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFTextBox;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFStyle;
import org.apache.poi.xwpf.usermodel.XWPFStyles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTStyle;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.STStyleType;

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
    void mdxDropsImportsExportsExpressionsAndJsxTagsKeepsFrontMatterAsFieldsAndHeadingsAsThePath() throws Exception {
        List<Chunk> chunks = split("install.mdx", """
                ---
                title: Installing
                date: 2025-03-04
                tags:
                  - ops
                  - setup
                ---
                import Tabs from '@theme/Tabs';
                export const meta = {hidden: true};

                Before you start, read this.

                ## Linux

                <Tabs>
                  <TabItem value="apt">Install with apt.</TabItem>
                </Tabs>

                {/* a comment for the editor */}

                ```bash
                # a comment in code
                apt install gale
                ```
                """);

        assertThat(chunks).extracting(Chunk::heading).containsExactly("Installing", "Linux");
        assertThat(chunks.get(0).text()).contains("Before you start").doesNotContain("import", "export");
        assertThat(chunks.get(1).text()).contains("Install with apt.", "# a comment in code", "apt install gale")
                .doesNotContain("<Tabs>", "TabItem", "a comment for the editor");
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.type()).isEqualTo("mdx");
            assertThat(c.date()).isEqualTo("2025-03-04");
            assertThat(c.fields()).containsEntry("tags", List.of("ops", "setup"));
        });
    }

    @Test
    void restructuredTextTitlesNestByAdornmentStyleAndDirectivesAreDropped() throws Exception {
        List<Chunk> chunks = split("guide.rst", """
                :date: 2024-11-02

                =====
                Guide
                =====

                Intro text.

                Install
                -------

                Run the installer::

                    ./install --all

                .. image:: diagram.png
                   :alt: a diagram

                Linux
                ~~~~~

                Use the package.

                Upgrade
                -------

                Stop first.
                """);

        assertThat(chunks).extracting(Chunk::heading)
                .containsExactly("Guide", "Guide > Install", "Guide > Install > Linux", "Guide > Upgrade");
        assertThat(chunks.get(1).text()).contains("Run the installer:", "./install --all").doesNotContain("image::",
                ":alt:");
        assertThat(chunks.getFirst().type()).isEqualTo("rst");
        assertThat(chunks.getFirst().date()).isEqualTo("2024-11-02");
    }

    @Test
    void asciiDocSectionsNestByLevelAndListingBlocksAreNotTitles() throws Exception {
        List<Chunk> chunks = split("manual.adoc", """
                = Manual
                :author: Ops Team
                :revdate: 2023-01-01

                Preface.

                == Install

                [source,bash]
                ----
                == not a title
                ./install
                ----

                === Linux
                // a comment
                Use the package.

                include::other.adoc[]
                """);

        assertThat(chunks).extracting(Chunk::heading).containsExactly("Manual", "Manual > Install",
                "Manual > Install > Linux");
        assertThat(chunks.get(1).text()).contains("== not a title", "./install").doesNotContain("[source");
        assertThat(chunks.get(2).text()).contains("Use the package.").doesNotContain("a comment", "include::");
        assertThat(chunks.getFirst().fields()).containsEntry("author", List.of("Ops Team"));
        assertThat(chunks.getFirst().type()).isEqualTo("asciidoc");
    }

    @Test
    void notebooksKeepMarkdownAndCodeCellsAndDropOutputs() throws Exception {
        List<Chunk> chunks = split("analysis.ipynb", """
                {"nbformat": 4, "nbformat_minor": 5,
                 "metadata": {"language_info": {"name": "python"}},
                 "cells": [
                  {"cell_type": "markdown", "metadata": {}, "source": ["# Churn analysis\\n", "We load the data."]},
                  {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "df = load('churn.csv')",
                   "outputs": [{"output_type": "stream", "name": "stdout", "text": ["SECRET OUTPUT 12345"]}]},
                  {"cell_type": "markdown", "metadata": {}, "source": "## Model\\nA logistic regression."}
                 ]}""");

        assertThat(chunks).extracting(Chunk::heading).containsExactly("Churn analysis", "Churn analysis > Model");
        assertThat(chunks.get(0).text()).contains("We load the data.", "df = load('churn.csv')");
        assertThat(chunks).noneMatch(c -> c.text().contains("SECRET OUTPUT"));
        assertThat(chunks.getFirst().type()).isEqualTo("notebook");
    }

    @Test
    void wordDocumentsAreReadThroughTikaWithTheirHeadingStylesAsHeadings() throws Exception {
        Path file = dir.resolve("runbook.docx");
        try (XWPFDocument doc = new XWPFDocument(); var out = Files.newOutputStream(file)) {
            XWPFStyles styles = doc.createStyles();
            CTStyle heading = CTStyle.Factory.newInstance();
            heading.setStyleId("Heading1");
            heading.addNewName().setVal("heading 1");
            heading.setType(STStyleType.PARAGRAPH);
            styles.addStyle(new XWPFStyle(heading));
            XWPFParagraph title = doc.createParagraph();
            title.setStyle("Heading1");
            title.createRun().setText("Backups");
            doc.createParagraph().createRun().setText("Backups run nightly at two.");
            doc.write(out);
        }

        List<Chunk> chunks = chunker.split(file, file.toString(), "fp");

        assertThat(chunks).extracting(Chunk::heading).containsExactly("Backups");
        assertThat(chunks.getFirst().text()).contains("Backups run nightly at two.");
        assertThat(chunks.getFirst().type()).isEqualTo("docx");
    }

    @Test
    void powerPointSlidesAreReadThroughTika() throws Exception {
        Path file = dir.resolve("talk.pptx");
        try (XMLSlideShow show = new XMLSlideShow(); var out = Files.newOutputStream(file)) {
            XSLFTextBox box = show.createSlide().createTextBox();
            box.setText("Workers pull tasks over gRPC.");
            show.write(out);
        }

        List<Chunk> chunks = chunker.split(file, file.toString(), "fp");

        assertThat(chunks.getFirst().text()).contains("Workers pull tasks over gRPC.");
        assertThat(chunks.getFirst().type()).isEqualTo("pptx");
    }

    @Test
    void openDocumentTextIsReadThroughTika() throws Exception {
        Path file = dir.resolve("notes.odt");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("mimetype"));
            zip.write("application/vnd.oasis.opendocument.text".getBytes(StandardCharsets.US_ASCII));
            zip.putNextEntry(new ZipEntry("content.xml"));
            zip.write("""
                    <?xml version="1.0" encoding="UTF-8"?>
                    <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
                        xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
                      <office:body><office:text>
                        <text:h text:outline-level="1">Retention</text:h>
                        <text:p>Logs are kept for thirty days.</text:p>
                      </office:text></office:body>
                    </office:document-content>""".getBytes(StandardCharsets.UTF_8));
        }

        List<Chunk> chunks = chunker.split(file, file.toString(), "fp");

        assertThat(chunks).extracting(Chunk::heading).containsExactly("Retention");
        assertThat(chunks.getFirst().text()).contains("Logs are kept for thirty days.");
        assertThat(chunks.getFirst().type()).isEqualTo("odt");
    }

    @Test
    void badDocumentsFailWithTheFileAndTheReasonNamed() throws Exception {
        Map<String, String> expected = Map.of(
                "empty.md", "the document is empty",
                "blank.txt", "the document is empty",
                "image.png", "unsupported type '.png'",
                "broken.pdf", "not a readable PDF",
                "broken.docx", "not a readable .docx document (Apache Tika",
                "broken.ipynb", "not a Jupyter notebook (invalid JSON");
        for (var e : expected.entrySet()) {
            Path file = dir.resolve(e.getKey());
            Files.writeString(file, e.getKey().equals("blank.txt") ? " \n\n  \n" : e.getKey().startsWith("broken.")
                    ? "not a document {" : "");
            assertThatThrownBy(() -> chunker.split(file, file.toString(), "fp"))
                    .isInstanceOf(BadDocumentException.class)
                    .hasMessageStartingWith(file.toString()).hasMessageContaining(e.getValue());
        }
        Path missing = dir.resolve("gone.md");
        assertThatThrownBy(() -> chunker.split(missing, missing.toString(), "fp"))
                .hasMessageContaining("no such file");
    }
}

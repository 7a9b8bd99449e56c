package dev.gale.llm.rag;

import java.util.List;
import java.util.Map;
import org.commonmark.ext.front.matter.YamlFrontMatterBlock;
import org.commonmark.ext.front.matter.YamlFrontMatterExtension;
import org.commonmark.ext.front.matter.YamlFrontMatterVisitor;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.CustomNode;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.jsoup.Jsoup;

/**
 * Markdown and MDX through commonmark-java: headings make the outline, code blocks are kept whole (a
 * {@code #} inside one is code, not a heading), YAML front matter becomes the document's fields, and
 * HTML blocks count for their text only. MDX adds ESM ({@code import}/{@code export} blocks) and
 * {@code {expression}} blocks, which are dropped; its JSX blocks are HTML blocks to commonmark, so their
 * tags go and the prose inside them stays.
 */
final class MarkdownFormat {
    private static final Parser PARSER = Parser.builder()
            .extensions(List.of(YamlFrontMatterExtension.create(), TablesExtension.create())).build();

    private MarkdownFormat() {
    }

    static ParsedDocument parse(String markdown, String title, String type) {
        boolean mdx = type.equals("mdx");
        Node document = PARSER.parse(markdown);
        YamlFrontMatterVisitor frontMatter = new YamlFrontMatterVisitor();
        document.accept(frontMatter);
        Map<String, List<String>> fields = frontMatter.getData();
        List<String> declaredTitle = fields.get("title");
        Outline outline = new Outline(declaredTitle == null || declaredTitle.isEmpty() ? title
                : declaredTitle.getFirst());
        for (Node block = document.getFirstChild(); block != null; block = block.getNext()) {
            if (block instanceof YamlFrontMatterBlock) {
                continue;
            }
            String text = text(block).strip();
            if (block instanceof Heading heading) {
                outline.heading(heading.getLevel(), text);
            } else if (!text.isEmpty() && !(mdx && isMdxOnly(block, text))) {
                outline.text(text);
            }
        }
        return new ParsedDocument(type, fields, outline.sections());
    }

    /** An MDX block that is code for the page, not its content: ESM imports and exports, {expressions}. */
    private static boolean isMdxOnly(Node block, String text) {
        return block instanceof Paragraph && (text.startsWith("import ") || text.startsWith("export ")
                || text.startsWith("{") && text.endsWith("}"));
    }

    /** The words of a block as a reader sees them: literals, code, list items on their own lines, table cells. */
    private static String text(Node block) {
        StringBuilder out = new StringBuilder();
        block.accept(new AbstractVisitor() {
            @Override
            public void visit(Text text) {
                out.append(text.getLiteral());
            }

            @Override
            public void visit(Code code) {
                out.append(code.getLiteral());
            }

            @Override
            public void visit(SoftLineBreak softLineBreak) {
                out.append('\n');
            }

            @Override
            public void visit(HardLineBreak hardLineBreak) {
                out.append('\n');
            }

            @Override
            public void visit(HtmlInline htmlInline) {
                // A tag carries no words; the text between an opening and a closing tag is a Text node.
            }

            @Override
            public void visit(HtmlBlock htmlBlock) {
                out.append(Jsoup.parse(htmlBlock.getLiteral()).text());
            }

            @Override
            public void visit(FencedCodeBlock code) {
                out.append(code.getLiteral());
            }

            @Override
            public void visit(IndentedCodeBlock code) {
                out.append(code.getLiteral());
            }

            @Override
            public void visit(Paragraph paragraph) {
                visitChildren(paragraph);
                out.append('\n');
            }

            @Override
            public void visit(ListItem item) {
                out.append("- ");
                visitChildren(item);
                if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
                    out.append('\n');
                }
            }

            @Override
            public void visit(CustomNode node) {
                visitChildren(node);
                if (node instanceof TableCell) {
                    out.append(" | ");
                } else if (node instanceof TableRow) {
                    out.append('\n');
                }
            }
        });
        return out.toString();
    }
}

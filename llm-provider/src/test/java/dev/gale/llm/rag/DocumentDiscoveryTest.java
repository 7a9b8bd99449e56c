package dev.gale.llm.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentDiscoveryTest {
    @TempDir
    Path dir;

    @Test
    void aPlanSkipsUnchangedDocumentsAndNamesChangedNewAndDeletedOnesButLeavesOtherDirectoriesAlone() throws Exception {
        Files.writeString(dir.resolve("same.md"), "same");
        Files.writeString(dir.resolve("edited.md"), "new text");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/new.md"), "new");
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/config"), "hidden");
        List<DocumentDiscovery.Found> corpus = DocumentDiscovery.discover(dir.toString(), List.of());
        String same = dir.resolve("same.md").toString();
        Map<String, String> indexed = Map.of(same, DocumentDiscovery.fingerprint(dir.resolve("same.md")),
                dir.resolve("edited.md").toString(), "old fingerprint", dir.resolve("gone.md").toString(), "x",
                "/elsewhere/other.md", "y");

        DocumentDiscovery.Plan plan = DocumentDiscovery.plan(corpus, indexed, dir.toString());

        assertThat(corpus).extracting(DocumentDiscovery.Found::path).containsExactly(
                dir.resolve("edited.md").toString(), same, dir.resolve("sub/new.md").toString());
        assertThat(plan.unchanged()).containsExactly(same);
        assertThat(plan.changed()).extracting(DocumentDiscovery.Found::path)
                .containsExactly(dir.resolve("edited.md").toString(), dir.resolve("sub/new.md").toString());
        assertThat(plan.deleted()).containsExactly(dir.resolve("gone.md").toString());
    }

    @Test
    void urlsMustBeFileUrlsAndAnEmptyCorpusIsRefused() {
        assertThatThrownBy(() -> DocumentDiscovery.discover("", List.of("https://example.com/a.md")))
                .hasMessageContaining("is not a file: URL");
        assertThatThrownBy(() -> DocumentDiscovery.discover("", List.of()))
                .hasMessageContaining("no documents to ingest");
        assertThatThrownBy(() -> DocumentDiscovery.discover(dir.resolve("nope").toString(), List.of()))
                .hasMessageContaining("is not a directory");
    }
}

package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * rag_ingest and rag_answer through the real server and a worker over gRPC, offline (no catalog: the
 * in-process embedding model and the extractive answerer). Each test keeps its indexes in its own
 * {@code gale.home}, which the in-JVM worker's tasks read.
 */
class RagIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path SHIPPED_CORPUS = Path.of("../examples/docs").toAbsolutePath().normalize();
    private static GaleTestServer gale;
    private static String previousHome;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        previousHome = System.getProperty("gale.home");
        gale = new GaleTestServer(Map.of("gale.scheduler.interval", "PT0.2S"));
    }

    @AfterAll
    static void stop() {
        gale.close();
        if (previousHome == null) {
            System.clearProperty("gale.home");
        } else {
            System.setProperty("gale.home", previousHome);
        }
    }

    @BeforeEach
    void ownHome() {
        System.setProperty("gale.home", home.toString());
    }

    private static JsonNode trigger(String dagId, ObjectNode conf) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.set("conf", conf);
        HttpResponse<String> response = gale.post("/api/v1/dags/" + dagId + "/runs?wait=PT120S", body.toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode ingest(Path corpus, String... urls) throws Exception {
        ObjectNode conf = JSON.createObjectNode().put("path", corpus.toString());
        conf.set("urls", JSON.valueToTree(List.of(urls)));
        JsonNode run = trigger("rag_ingest", conf);
        assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
        return run.get("result");
    }

    private static JsonNode ask(String question) throws Exception {
        JsonNode run = trigger("rag_answer", JSON.createObjectNode().put("question", question));
        assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
        return run.get("result");
    }

    private static List<String> sourceFiles(JsonNode answer) {
        List<String> files = new ArrayList<>();
        answer.get("sources").forEach(s -> files.add(Path.of(s.get("path").asString()).getFileName().toString()));
        return files;
    }

    /** Questions about Gale, each with the document of the shipped corpus that answers it (gale rag eval's set). */
    private static final Path SHIPPED_QUESTIONS = Path.of("../examples/rag-questions.jsonl").toAbsolutePath()
            .normalize();

    private static Map<String, String> shippedQuestions() throws Exception {
        Map<String, String> questions = new LinkedHashMap<>();
        for (String line : Files.readAllLines(SHIPPED_QUESTIONS)) {
            JsonNode q = JSON.readTree(line);
            questions.put(q.get("question").asString(), q.get("source").asString());
        }
        return questions;
    }

    @Test
    void theShippedCorpusAnswersAtLeastEightyPercentOfItsQuestionsAndRagEvalMeasuresAndRecordsTheSame()
            throws Exception {
        Map<String, String> questions = shippedQuestions();
        JsonNode ingested = ingest(SHIPPED_CORPUS);
        long files = Files.list(SHIPPED_CORPUS).count();
        assertThat(ingested.get("documents").asInt()).isEqualTo((int) files);
        assertThat(ingested.get("added")).hasSize((int) files);
        assertThat(ingested.get("failures")).isEmpty();
        assertThat(ingested.get("embeddingModel").asString()).isEqualTo("local/all-minilm-l6-v2");
        assertThat(ingested.get("dimensions").asInt()).isEqualTo(384);
        // Most 800-character chunks run past the model's 128-token window: embedded whole, in windows, and counted.
        assertThat(ingested.get("chunksWindowed").asInt()).isPositive()
                .isLessThanOrEqualTo(ingested.get("chunksEmbedded").asInt());
        assertThat(ingested.get("tokensEmbedded").asLong())
                .isGreaterThan(128L * ingested.get("chunksWindowed").asInt());
        System.out.printf("rag_ingest: %d documents, %d chunks; embedding %d chunks took %.1f s (%.1f chunks/s)%n",
                ingested.get("documents").asInt(), ingested.get("chunks").asInt(),
                ingested.get("chunksEmbedded").asInt(), ingested.get("embedSeconds").asDouble(),
                ingested.get("chunksEmbedded").asInt() / ingested.get("embedSeconds").asDouble());

        int right = 0;
        int first = 0;
        List<String> misses = new ArrayList<>();
        for (var q : questions.entrySet()) {
            JsonNode answer = ask(q.getKey());
            if (sourceFiles(answer).getFirst().equals(q.getValue())) {
                first++;
            }
            if (sourceFiles(answer).contains(q.getValue())) {
                right++;
            } else {
                misses.add(q.getKey() + " -> " + sourceFiles(answer) + " (expected " + q.getValue() + ")");
            }
        }
        double share = (double) right / questions.size();
        System.out.printf("rag_answer quality: %d of %d questions (%.0f%%) have the right document among the"
                + " sources (%d as the first source); misses: %s%n", right, questions.size(), share * 100, first, misses);
        assertThat(questions).hasSizeGreaterThanOrEqualTo(20);
        assertThat(share).as("misses: " + misses).isGreaterThanOrEqualTo(0.8);

        String eval = cli("rag", "eval", "--questions", SHIPPED_QUESTIONS.toString(), "--url", gale.baseUrl(),
                "--token", gale.adminToken);
        System.out.println(eval);
        assertThat(eval).contains("index docs (version " + ingested.get("assetVersion").asInt()
                        + ", local/all-minilm-l6-v2, chunks of 800 characters overlapping by 100): " + questions.size()
                        + " questions", "reranked by: none: no chat model is configured", "recorded as eval://rag-docs"
                        + " version 1");
        JsonNode assets = JSON.readTree(gale.get("/api/v1/assets?namePrefix=eval://rag-docs").body()).get("assets");
        JsonNode recorded = JSON.readTree(gale.get("/api/v1/assets/" + assets.get(0).get("id").asLong()
                + "/versions").body()).get("versions").get(0).get("metadata");
        assertThat(recorded.get("questions").asInt()).isEqualTo(questions.size());
        assertThat(recorded.get("hitAt1").asDouble()).isEqualTo(first / (double) questions.size(),
                org.assertj.core.data.Offset.offset(0.001));
        assertThat(recorded.get("hitAt5").asDouble()).isGreaterThanOrEqualTo(share);
        assertThat(recorded.get("mrr").asDouble()).isBetween(recorded.get("hitAt1").asDouble(),
                recorded.get("hitAt5").asDouble());
        assertThat(recorded.get("indexVersion").asInt()).isEqualTo(ingested.get("assetVersion").asInt());
        assertThat(recorded.get("embeddingModel").asString()).isEqualTo("local/all-minilm-l6-v2");
        assertThat(recorded.get("chunkSize").asInt()).isEqualTo(800);
        assertThat(recorded.get("rerankedBy").asString()).startsWith("none: no chat model is configured");
        assertThat(eval).contains(String.format("hit@1 %.3f   hit@5 %.3f   MRR %.3f", recorded.get("hitAt1").asDouble(),
                recorded.get("hitAt5").asDouble(), recorded.get("mrr").asDouble()));
    }

    @Test
    void aQuestionSetWithoutTheSourceOfAQuestionFailsNamingItsLine() throws Exception {
        ObjectNode conf = JSON.createObjectNode();
        conf.set("questions", JSON.readTree("[{\"question\": \"a\", \"source\": \"a.md\"}, {\"question\": \"b\"}]"));
        JsonNode run = trigger("rag_eval", conf);

        assertThat(run.get("state").asString()).isEqualTo("failed");
        assertThat(run.toString()).contains("conf questions[1] (line 2 of a questions file): needs a \\\"question\\\""
                + " and the \\\"source\\\" document");
    }

    @Test
    void anAnswerIsExtractiveOfflineWithKeywordRewordingsAndSourcesWithPathAndHeading() throws Exception {
        ingest(SHIPPED_CORPUS);

        JsonNode answer = ask("How do I try GPU routing without a GPU?");

        assertThat(answer.get("model").asString()).isEqualTo("local/extractive");
        assertThat(answer.get("answer").asString()).startsWith("No language model is configured").contains("[1]");
        assertThat(answer.get("rewordings")).hasSize(3);
        assertThat(answer.get("rewordedBy").asString()).startsWith("keyword extraction: no chat model is configured");
        assertThat(answer.get("sources")).hasSize(4).allSatisfy(s -> {
            assertThat(Path.of(s.get("path").asString())).isAbsolute().startsWith(SHIPPED_CORPUS);
            assertThat(s.get("heading").asString()).isNotBlank();
        });
        assertThat(answer.get("sources").get(0).get("heading").asString()).isEqualTo("GPU workers");
        assertThat(answer.get("sources").valueStream().anyMatch(s -> s.get("cited").asBoolean())).isTrue();
    }

    @Test
    void theCliIngestsADirectoryAndPrintsAnAnswerWithItsSources(@TempDir Path corpus) throws Exception {
        Files.writeString(corpus.resolve("backups.md"), "# Backups\nBackups run nightly at two and are kept seven"
                + " days.\n");
        Files.writeString(corpus.resolve("alerts.mdx"), """
                ---
                team: ops
                ---
                import Callout from './callout';

                # Alerts
                <Callout>Alerts page the on-call engineer by SMS.</Callout>
                """);
        String[] client = {"--url", gale.baseUrl(), "--token", gale.adminToken};

        String ingested = cli("rag", "ingest", corpus.toString(), client[0], client[1], client[2], client[3]);
        String answered = cli("rag", "ask", "How long are backups kept?", client[0], client[1], client[2], client[3]);
        String filtered = cli("rag", "ask", "Who is paged by SMS?", "--filter", "{\"type\": \"mdx\","
                + " \"fields\": {\"team\": \"ops\"}}", client[0], client[1], client[2], client[3]);

        assertThat(ingested).contains("2 documents", "2 added or updated", "local/all-minilm-l6-v2, 384 dimensions",
                "chunks/s", ": success");
        assertThat(answered).contains("No language model is configured", "kept seven days", "Sources:",
                "[1] " + corpus.resolve("backups.md") + " > Backups", "model: local/extractive",
                "reranked by: none: no chat model is configured");
        assertThat(filtered).contains("[1] " + corpus.resolve("alerts.mdx") + " > Alerts", "by SMS")
                .doesNotContain("backups.md", "import Callout", "<Callout>");
    }

    /** Runs {@code gale args…} in this JVM and returns what it printed; fails unless it exits 0. */
    private static synchronized String cli(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int status = new CommandLine(new GaleCommand()).execute(args);
            assertThat(status).as(out.toString(StandardCharsets.UTF_8)).isZero();
        } finally {
            System.setOut(stdout);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void reIngestingAddsNothingAChangedDocumentIsReplacedAndADeletedOnesChunksAreRemoved(@TempDir Path corpus)
            throws Exception {
        Files.writeString(corpus.resolve("pools.md"), "# Pools\nA pool caps how many tasks run at once across DAGs.\n");
        Files.writeString(corpus.resolve("retries.md"), "# Retries\nA task retries with exponential backoff.\n");
        Files.writeString(corpus.resolve("zebras.md"), "# Zebras\nZebras graze on the savanna in large herds.\n");

        JsonNode first = ingest(corpus);
        assertThat(first.get("added")).hasSize(3);
        int firstVersion = first.get("assetVersion").asInt();
        assertThat(firstVersion).isPositive();

        JsonNode again = ingest(corpus);
        assertThat(again.get("added")).isEmpty();
        assertThat(again.get("removed")).isEmpty();
        assertThat(again.get("unchanged").asInt()).isEqualTo(3);
        assertThat(again.get("chunks").asInt()).isEqualTo(first.get("chunks").asInt());
        assertThat(again.get("chunksEmbedded").asInt()).isZero();
        assertThat(again.get("assetVersion").isNull()).isTrue();

        Files.writeString(corpus.resolve("pools.md"), "# Pools\nGALE_POOLS sizes pools; an unsized pool has 128"
                + " slots.\n\n## Priorities\nPriority weight orders queued tasks.\n");
        Files.delete(corpus.resolve("zebras.md"));
        JsonNode changed = ingest(corpus);
        assertThat(changed.get("added").valueStream().map(JsonNode::asString))
                .containsExactly(corpus.resolve("pools.md").toString());
        assertThat(changed.get("removed").valueStream().map(JsonNode::asString))
                .containsExactly(corpus.resolve("zebras.md").toString());
        assertThat(changed.get("unchanged").asInt()).isEqualTo(1);
        assertThat(changed.get("documents").asInt()).isEqualTo(2);
        assertThat(changed.get("chunks").asInt()).isEqualTo(3);
        assertThat(changed.get("assetVersion").asInt()).isEqualTo(firstVersion + 1);

        JsonNode zebras = ask("Where do zebras graze?");
        assertThat(sourceFiles(zebras)).doesNotContain("zebras.md");
        JsonNode pools = ask("How many slots has an unsized pool?");
        assertThat(pools.get("answer").asString()).contains("128 slots");

        JsonNode assets = JSON.readTree(gale.get("/api/v1/assets?namePrefix=vector://docs").body()).get("assets");
        JsonNode versions = JSON.readTree(gale.get("/api/v1/assets/" + assets.get(0).get("id").asLong()
                + "/versions").body()).get("versions");
        JsonNode latest = versions.get(0).get("metadata");
        assertThat(latest.get("documents").asInt()).isEqualTo(2);
        assertThat(latest.get("chunks").asInt()).isEqualTo(3);
        assertThat(latest.get("embeddingModel").asString()).isEqualTo("local/all-minilm-l6-v2");
        assertThat(latest.get("dimensions").asInt()).isEqualTo(384);
        assertThat(latest.get("indexPath").asString()).isEqualTo(home.resolve("indexes/docs").toString());
    }

    @Test
    void badDocumentsFailTheirOwnSplitInstancesAndTheRunSucceedsListingThemUnlessStrict(@TempDir Path corpus)
            throws Exception {
        Files.writeString(corpus.resolve("good.md"), "# Good\nThis document is fine.\n");
        Files.writeString(corpus.resolve("empty.md"), "\n\n");
        Files.write(corpus.resolve("diagram.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        String missing = corpus.resolve("moved-away.md").toUri().toString();

        ObjectNode conf = JSON.createObjectNode().put("path", corpus.toString());
        conf.set("urls", JSON.valueToTree(List.of(missing)));
        JsonNode run = trigger("rag_ingest", conf);

        assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
        JsonNode result = run.get("result");
        assertThat(result.get("added").valueStream().map(JsonNode::asString))
                .containsExactly(corpus.resolve("good.md").toString());
        assertThat(result.get("failures").valueStream().map(f -> f.get("reason").asString()))
                .containsExactlyInAnyOrder(
                        corpus.resolve("diagram.png") + ": unsupported type '.png'; rag_ingest reads markdown (.md,"
                                + " .markdown), mdx (.mdx), rst (.rst), asciidoc (.adoc, .asciidoc), notebook (.ipynb),"
                                + " html (.html, .htm), pdf (.pdf), docx (.docx), pptx (.pptx), odt (.odt), text (.txt,"
                                + " .text)",
                        corpus.resolve("empty.md") + ": the document is empty (no text after cleaning); add text to it"
                                + " or remove it from the corpus",
                        corpus.resolve("moved-away.md") + ": no such file (it was removed after discovery?)");
        JsonNode tasks = JSON.readTree(gale.get("/api/v1/dags/rag_ingest/runs/" + run.get("runId").asString()
                + "/tasks?limit=1000").body()).get("taskInstances");
        List<JsonNode> splits = tasks.valueStream().filter(t -> t.get("taskId").asString().equals("split")).toList();
        assertThat(splits).hasSize(4);
        assertThat(splits).filteredOn(t -> t.get("state").asString().equals("failed")).hasSize(3)
                .allSatisfy(t -> assertThat(t.get("error").asString()).contains(corpus.toString()));

        conf.put("strict", true);
        JsonNode strict = trigger("rag_ingest", conf);
        assertThat(strict.get("state").asString()).isEqualTo("failed");
        assertThat(strict.toString()).contains("strict: 3 of 3 new or changed documents were not ingested");

        Path other = Files.createDirectories(corpus.resolveSibling(corpus.getFileName() + "-more"));
        Files.writeString(other.resolve("more.md"), "# More\nAnother directory of the same index.\n");
        JsonNode more = ingest(other);
        assertThat(more.get("removed")).isEmpty();
        assertThat(more.get("documents").asInt()).isEqualTo(2);
    }
}

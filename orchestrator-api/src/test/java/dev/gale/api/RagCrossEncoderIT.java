package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.llm.rag.TinyCrossEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * rag_answer and rag_eval with a cross-encoder configured ({@code gale.rerank.model}, as
 * {@code GALE_RERANK_MODEL} sets it on a worker) and no chat model: the rerank step scores the candidates
 * with the ONNX model and reorders them. The model is the tests' tiny cross-encoder, which scores a passage
 * 10 for each "lighthouse" in it, so its order is known and differs from retrieval's.
 */
class RagCrossEncoderIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String QUESTION = "Where is the harbour office, next to the lighthouse?";
    private static GaleTestServer gale;
    private static Path corpus;
    private static String modelName;
    private static String previousHome;

    @BeforeAll
    static void start() throws Exception {
        Path home = Files.createTempDirectory("rag-xenc-home");
        corpus = Files.createTempDirectory("rag-xenc-corpus");
        Files.writeString(corpus.resolve("harbour.md"), "# Harbour office\nWhere is the harbour office? The harbour"
                + " office is next to the quay, where the ferries dock.\n");
        Files.writeString(corpus.resolve("cliff.md"), "# Cliff\nThe lighthouse stands on the cliff.\n");
        Files.writeString(corpus.resolve("tides.md"), "# Tides\nThe tide turns twice a day.\n");
        Path model = TinyCrossEncoder.write(Files.createTempDirectory("tiny-cross-encoder"), "lighthouse",
                TinyCrossEncoder.Output.LOGIT, true);
        modelName = model.getParent().getFileName().toString();
        previousHome = System.getProperty("gale.home");
        System.setProperty("gale.home", home.toString());
        System.setProperty("gale.rerank.model", model.toString());
        gale = new GaleTestServer(Map.of());
        JsonNode ingest = run("rag_ingest", "{\"path\":\"" + corpus + "\"}");
        assertThat(ingest.get("state").asString()).as(ingest.toString()).isEqualTo("success");
    }

    @AfterAll
    static void stop() {
        gale.close();
        System.clearProperty("gale.rerank.model");
        if (previousHome == null) {
            System.clearProperty("gale.home");
        } else {
            System.setProperty("gale.home", previousHome);
        }
    }

    private static JsonNode run(String dagId, String conf) throws Exception {
        return JSON.readTree(gale.post("/api/v1/dags/" + dagId + "/runs?wait=PT120S", "{\"conf\":" + conf + "}")
                .body());
    }

    private static JsonNode ask(String rerank) throws Exception {
        JsonNode run = run("rag_answer", "{\"question\":\"" + QUESTION + "\", \"rerank\": \"" + rerank + "\"}");
        assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
        return run.get("result");
    }

    private static List<String> sources(JsonNode answer) {
        return answer.get("sources").valueStream().map(s -> Path.of(s.get("path").asString()).getFileName()
                .toString()).toList();
    }

    @Test
    void theCrossEncoderReordersTheCandidatesAndAutoPrefersIt() throws Exception {
        JsonNode fused = ask("none");
        assertThat(sources(fused).getFirst()).as("retrieval alone puts the harbour page first").isEqualTo("harbour.md");

        JsonNode reranked = ask("cross_encoder");
        assertThat(reranked.get("rerankedBy").asString()).isEqualTo("cross-encoder " + modelName);
        assertThat(sources(reranked).getFirst()).isEqualTo("cliff.md");
        assertThat(reranked.get("sources").get(0).get("score").asDouble()).isEqualTo(10.0);
        assertThat(reranked.get("sources").valueStream().skip(1).map(s -> s.get("score").asDouble()))
                .containsOnly(0.0);
        assertThat(sources(reranked)).containsExactlyInAnyOrderElementsOf(sources(fused));

        JsonNode auto = ask("auto");
        assertThat(auto.get("rerankedBy").asString()).isEqualTo("cross-encoder " + modelName);
        assertThat(sources(auto)).containsExactlyElementsOf(sources(reranked));
    }

    @Test
    void ragEvalMeasuresTheCrossEncodedRetrievalAndRecordsIt() throws Exception {
        JsonNode eval = run("rag_eval", "{\"rerank\": \"cross_encoder\", \"questions\": [{\"question\": \""
                + QUESTION + "\", \"source\": \"cliff.md\"}]}");

        assertThat(eval.get("state").asString()).as(eval.toString()).isEqualTo("success");
        assertThat(eval.get("result").get("hitAt1").asDouble()).isEqualTo(1.0);
        assertThat(eval.get("result").get("settings").get("rerankedBy").asString())
                .isEqualTo("cross-encoder " + modelName);
    }

    @Test
    void aMissingModelFileFailsTheRunNamingIt() throws Exception {
        String configured = System.getProperty("gale.rerank.model");
        Path missing = corpus.resolve("no-such-model.onnx");
        System.setProperty("gale.rerank.model", missing.toString());
        try {
            JsonNode run = run("rag_answer", "{\"question\":\"" + QUESTION + "\"}");
            assertThat(run.get("state").asString()).isEqualTo("failed");
            assertThat(run.toString()).contains("the cross-encoder model (GALE_RERANK_MODEL) " + missing
                    + " is not a readable file");
        } finally {
            System.setProperty("gale.rerank.model", configured);
        }
    }
}

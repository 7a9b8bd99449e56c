package dev.gale.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code gale rag ingest|ask|eval}: the RAG example DAGs ({@code rag_ingest}, {@code rag_answer},
 * {@code rag_eval}) in one command each, over the REST API. Paths are sent absolute, so the command works
 * from any directory when the worker shares the machine's files (standalone).
 */
@Command(name = "rag", mixinStandardHelpOptions = true, description = "Ingest documents into an index, ask"
        + " questions of it and measure its retrieval (runs the rag_ingest, rag_answer and rag_eval DAGs over the REST"
        + " API).", subcommands = {RagCommand.Ingest.class, RagCommand.Ask.class, RagCommand.Eval.class})
public final class RagCommand {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Where the index is: the DAGs' store and connection settings. */
    static final class StoreOptions {
        @Option(names = "--store", description = "lucene (the default: on the worker's disk) or pgvector (a table in"
                + " the PostgreSQL database of --connection).")
        String store;

        @Option(names = "--connection", description = "With --store pgvector: the Gale Connection (type postgres) to"
                + " the database that holds the index.")
        String connection;

        void putInto(ObjectNode conf) {
            putIfGiven(conf, "store", store);
            putIfGiven(conf, "connection", connection);
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true, description = "Ingest a directory of documents"
            + " (Markdown, MDX, reStructuredText, AsciiDoc, Jupyter, HTML, PDF, Word, PowerPoint, OpenDocument, text)"
            + " and/or file: URLs; unchanged documents are skipped, deleted ones removed."
            + " Exits 0 when the run succeeded (failed documents are listed), 1 when it failed, "
            + RunsCommand.STILL_RUNNING + " when it was still running at the deadline.")
    static final class Ingest implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Mixin
        StoreOptions where;

        @Parameters(paramLabel = "DIR", arity = "0..1", description = "The directory of documents.")
        Path directory;

        @Option(names = "--doc-url", description = "A file: URL of a document (repeatable).")
        List<String> urls = List.of();

        @Option(names = "--index", description = "The index to write (default docs).")
        String index;

        @Option(names = "--chunk-size", description = "Largest chunk in characters (default 800).")
        Integer chunkSize;

        @Option(names = "--chunk-overlap", description = "Characters shared by neighbouring chunks (default 100).")
        Integer chunkOverlap;

        @Option(names = "--strict", description = "Fail the run when any document cannot be ingested.")
        boolean strict;

        @Option(names = "--gpu", description = "Embed on a GPU worker.")
        boolean gpu;

        @Option(names = "--wait", converter = RunsCommand.DurationConverter.class,
                description = "Wait this long for the run (default 5m).")
        Duration wait = Duration.ofMinutes(5);

        @Override
        public Integer call() {
            if (directory == null && urls.isEmpty()) {
                throw new CliException("give a directory of documents (e.g. gale rag ingest examples/docs) or --doc-url");
            }
            ObjectNode conf = JSON.createObjectNode();
            if (directory != null) {
                Path absolute = directory.toAbsolutePath().normalize();
                if (!Files.isDirectory(absolute)) {
                    throw new CliException(absolute + " is not a directory; give a directory of documents");
                }
                conf.put("path", absolute.toString());
            }
            if (!urls.isEmpty()) {
                conf.set("urls", JSON.valueToTree(urls));
            }
            putIfGiven(conf, "index", index);
            putIfGiven(conf, "chunkSize", chunkSize);
            putIfGiven(conf, "chunkOverlap", chunkOverlap);
            conf.put("strict", strict);
            conf.put("embedOnGpu", gpu);
            where.putInto(conf);
            return triggerAndPrint(client, "rag_ingest", conf, wait, RagCommand::printIngest);
        }
    }

    @Command(name = "ask", mixinStandardHelpOptions = true, description = "Ask a question of an index; prints the"
            + " answer and its sources.")
    static final class Ask implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Mixin
        StoreOptions where;

        @Parameters(paramLabel = "QUESTION", description = "The question (quote it).")
        String question;

        @Option(names = "--index", description = "The index to search (default docs).")
        String index;

        @Option(names = "--sources", description = "How many chunks the answer is drawn from (default 4).")
        Integer sources;

        @Option(names = "--rerank", description = "auto (the default: with the worker's cross-encoder when"
                + " GALE_RERANK_MODEL is set, else with the chat model when one is configured), cross_encoder, llm or"
                + " none.")
        String rerank;

        @Option(names = "--filter", description = "Search only part of the index, as JSON: {\"pathPrefix\","
                + " \"type\", \"heading\", \"dateFrom\", \"dateTo\", \"fields\": {front-matter field: value}}.")
        String filter;

        @Option(names = "--wait", converter = RunsCommand.DurationConverter.class,
                description = "Wait this long for the answer (default 60s).")
        Duration wait = Duration.ofSeconds(60);

        @Override
        public Integer call() {
            ObjectNode conf = JSON.createObjectNode().put("question", question);
            putIfGiven(conf, "index", index);
            putIfGiven(conf, "sources", sources);
            putIfGiven(conf, "rerank", rerank);
            putFilter(conf, filter);
            where.putInto(conf);
            return triggerAndPrint(client, "rag_answer", conf, wait, RagCommand::printAnswer);
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true, description = "Measure retrieval on a question set (a"
            + " JSON Lines file: {\"question\", \"source\", \"answer\"} per line): prints hit@1, hit@5 and MRR and"
            + " the questions whose document did not come first, and records them as a version of eval://rag-INDEX.")
    static final class Eval implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Mixin
        StoreOptions where;

        @Option(names = "--questions", required = true, description = "The question set, e.g."
                + " examples/rag-questions.jsonl for the shipped corpus.")
        Path questions;

        @Option(names = "--index", description = "The index to measure (default docs).")
        String index;

        @Option(names = "--top-k", description = "Chunks retrieved per wording (default 8).")
        Integer topK;

        @Option(names = "--rerank", description = "auto (the default), cross_encoder, llm or none.")
        String rerank;

        @Option(names = "--filter", description = "As for ask: JSON restricting the search.")
        String filter;

        @Option(names = "--wait", converter = RunsCommand.DurationConverter.class,
                description = "Wait this long for the run (default 10m).")
        Duration wait = Duration.ofMinutes(10);

        @Override
        public Integer call() {
            ObjectNode conf = JSON.createObjectNode();
            conf.set("questions", readQuestions(questions));
            putIfGiven(conf, "index", index);
            putIfGiven(conf, "topK", topK);
            putIfGiven(conf, "rerank", rerank);
            putFilter(conf, filter);
            where.putInto(conf);
            return triggerAndPrint(client, "rag_eval", conf, wait, RagCommand::printEval);
        }
    }

    /** The lines of a JSON Lines question set; blank lines are skipped, a bad line is named. */
    static ArrayNode readQuestions(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new CliException("cannot read the questions file " + file.toAbsolutePath() + ": " + e.getMessage());
        }
        ArrayNode set = JSON.createArrayNode();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                set.add(JSON.readTree(lines.get(i)));
            } catch (JacksonException e) {
                throw new CliException(file + " line " + (i + 1) + " is not JSON (" + e.getOriginalMessage()
                        + "); write one object per line: {\"question\": \"...\", \"source\": \"guide.md\"}");
            }
        }
        if (set.isEmpty()) {
            throw new CliException(file + " holds no questions; write one JSON object per line");
        }
        return set;
    }

    private static void putFilter(ObjectNode conf, String filter) {
        if (filter == null) {
            return;
        }
        try {
            conf.set("filter", JSON.readTree(filter));
        } catch (JacksonException e) {
            throw new CliException("--filter is not JSON (" + e.getOriginalMessage() + "); write e.g."
                    + " --filter '{\"pathPrefix\": \"guides/\"}'");
        }
    }

    /** How a finished run is shown to a person (with {@code --json}, the run is printed as it is). */
    private interface RunPrinter {
        void print(GaleClient api, JsonNode run, PrintStream out);
    }

    private static void putIfGiven(ObjectNode conf, String name, Object value) {
        if (value != null) {
            conf.set(name, JSON.valueToTree(value));
        }
    }

    /** Triggers the DAG with {@code conf}, waits for it, prints it; the exit status says how it ended. */
    private static int triggerAndPrint(ClientOptions client, String dagId, ObjectNode conf, Duration wait,
                                       RunPrinter printer) {
        GaleClient api = client.client();
        ObjectNode body = JSON.createObjectNode();
        body.set("conf", conf);
        JsonNode run = api.post("/api/v1/dags/" + dagId + "/runs?wait=" + wait, body.toString(), Map.of()).body();
        if (client.json) {
            System.out.println(GaleClient.pretty(run));
        } else {
            printer.print(api, run, System.out);
        }
        return exitStatus(run);
    }

    private static int exitStatus(JsonNode run) {
        return switch (run.path("state").asString("")) {
            case "success" -> 0;
            case "failed", "cancelled" -> 1;
            default -> RunsCommand.STILL_RUNNING;
        };
    }

    static void printIngest(GaleClient api, JsonNode run, PrintStream out) {
        if (!printIfUnfinished(api, run, out)) {
            return;
        }
        JsonNode r = run.path("result");
        if (r.isObject()) {
            out.printf("index %s (%s): %d documents, %d chunks%n", r.get("index").asString(),
                    r.get("indexPath").asString(), r.get("documents").asInt(), r.get("chunks").asInt());
            out.printf("this run: %d added or updated, %d removed, %d unchanged, %d failed%n",
                    r.get("added").size(), r.get("removed").size(), r.get("unchanged").asInt(),
                    r.get("failures").size());
            if (r.get("chunksEmbedded").asInt() > 0) {
                double seconds = r.get("embedSeconds").asDouble();
                out.printf("embedding: %s, %d dimensions; %d chunks in %.1f s (%.1f chunks/s)%n",
                        r.get("embeddingModel").asString(), r.get("dimensions").asInt(),
                        r.get("chunksEmbedded").asInt(), seconds, r.get("chunksEmbedded").asInt()
                                / Math.max(0.001, seconds));
            }
            if (!r.path("assetVersion").isNull() && !r.path("assetVersion").isMissingNode()) {
                out.printf("asset vector://%s version %d%n", r.get("index").asString(), r.get("assetVersion").asInt());
            }
            for (JsonNode failure : r.get("failures")) {
                out.printf("failed: %s%n", failure.get("reason").asString());
            }
        }
        out.printf("run %s: %s%n", run.get("runId").asString(), run.get("state").asString());
    }

    static void printAnswer(GaleClient api, JsonNode run, PrintStream out) {
        if (!printIfUnfinished(api, run, out)) {
            return;
        }
        JsonNode r = run.path("result");
        if (!r.isObject()) {
            out.printf("run %s: %s%n", run.get("runId").asString(), run.get("state").asString());
            return;
        }
        out.println(r.get("answer").asString());
        out.println();
        out.println("Sources:");
        for (JsonNode s : r.get("sources")) {
            out.printf("  [%d] %s > %s%s%n", s.get("n").asInt(), s.get("path").asString(), s.get("heading").asString(),
                    s.get("cited").asBoolean() ? "" : "  (not cited)");
        }
        out.println();
        out.printf("model: %s; rewordings (%s): %s%n", r.get("model").asString(), r.get("rewordedBy").asString(),
                r.get("rewordings").valueStream().map(JsonNode::asString).toList());
        out.printf("reranked by: %s%n", r.get("rerankedBy").asString());
    }

    static void printEval(GaleClient api, JsonNode run, PrintStream out) {
        if (!printIfUnfinished(api, run, out)) {
            return;
        }
        JsonNode r = run.path("result");
        JsonNode s = r.get("settings");
        out.printf("index %s (version %d, %s, chunks of %s characters overlapping by %s): %d questions%n",
                r.get("index").asString(), s.get("indexVersion").asInt(), s.get("embeddingModel").asString(),
                s.path("chunkSize").asString("?"), s.path("chunkOverlap").asString("?"), r.get("questions").asInt());
        out.printf("hit@1 %.3f   hit@5 %.3f   MRR %.3f%s%n", r.get("hitAt1").asDouble(), r.get("hitAt5").asDouble(),
                r.get("mrr").asDouble(), r.path("answerAt5").isNumber()
                        ? String.format("   answer in top 5 %.3f", r.get("answerAt5").asDouble()) : "");
        out.printf("rewordings: %s; reranked by: %s%n", s.get("rewordedBy").asString(), s.get("rerankedBy").asString());
        if (!r.get("misses").isEmpty()) {
            out.println("not first:");
        }
        for (JsonNode miss : r.get("misses")) {
            out.printf("  %s%n    expected %s %s; first: %s > %s%n", miss.get("question").asString(),
                    miss.get("expected").valueStream().map(JsonNode::asString).toList(),
                    miss.get("rank").isNull() ? "not among the candidates" : "at " + miss.get("rank").asInt(),
                    miss.get("first").asString(), miss.get("firstHeading").asString());
        }
        out.printf("recorded as eval://rag-%s version %d%n", r.get("index").asString(), r.get("evalVersion").asInt());
    }

    /** Prints what went wrong when the run did not succeed; true when it succeeded. */
    private static boolean printIfUnfinished(GaleClient api, JsonNode run, PrintStream out) {
        String state = run.get("state").asString();
        if (state.equals("success")) {
            return true;
        }
        String runId = run.get("runId").asString();
        if (!state.equals("failed") && !state.equals("cancelled")) {
            out.printf("run %s is still %s; follow it with: gale runs show %s %s%n", runId, state,
                    run.get("dagId").asString(), runId);
            return false;
        }
        out.printf("run %s %s%n", runId, state);
        JsonNode tasks = api.get("/api/v1/dags/" + GaleClient.encode(run.get("dagId").asString()) + "/runs/"
                + GaleClient.encode(runId) + "/tasks?limit=1000").body();
        for (JsonNode ti : tasks.get("taskInstances")) {
            if (ti.get("state").asString().equals("failed")) {
                out.printf("  %s%s: %s%n", ti.get("taskId").asString(),
                        ti.get("mapIndex").asInt() < 0 ? "" : "[" + ti.get("mapIndex").asInt() + "]",
                        ti.get("error").asString());
            }
        }
        return false;
    }
}

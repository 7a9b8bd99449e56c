package dev.gale.examples.sql;

import dev.gale.llm.AgentResult;
import dev.gale.llm.CommonLlm;
import dev.gale.llm.Llm;
import dev.gale.llm.LlmCatalog;
import dev.gale.llm.LlmException;
import dev.gale.llm.ModelSpec;
import dev.gale.llm.rag.QueryRewordings;
import dev.gale.llm.rag.RankFusion;
import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.ModelNeeds;
import dev.gale.sdk.Param;
import dev.gale.sdk.TaskBuilder;
import dev.gale.sdk.TaskContext;
import dev.langchain4j.agent.tool.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The AI SQL assistant, as Astronomer described it: the question is reworded three times by a cheap model, the
 * schema of the {@code warehouse} Connection is read from {@code information_schema} (tables, columns, types,
 * comments), a shipped library of example question→SQL pairs is searched by vector with every wording and the
 * rankings fused, and one call to the best-quality model writes the SQL. {@link SqlCheck} checks it (one SELECT,
 * EXPLAIN in a read-only transaction under a statement timeout) before it is returned; with {@code execute} it
 * runs too, limited to {@code rowLimit} rows. With {@code mode} {@code agent} the model may first call
 * {@code listTables}, {@code describeTable} and {@code explain}. Without a chat model it writes no SQL and says so,
 * returning the tables and columns that match the question and the closest example queries instead.
 */
public final class SqlAssistant {
    static final String EXAMPLES = "demo_warehouse_examples.json";
    static final String OFFLINE = "offline: no chat model is configured, so no SQL was written. These are the tables"
            + " and columns that match the question's words and the closest example queries of the shipped library;"
            + " configure a chat model in GALE_LLM_CATALOG for SQL written for the question";
    static final String OFFLINE_REWORDING = "keyword extraction: no chat model is configured, so the rewordings are"
            + " the question's keywords, not a model's paraphrases";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern WORD = Pattern.compile("[a-z0-9]+");
    private static final Pattern FENCE = Pattern.compile("```(?:sql)?\\s*(.*?)```", Pattern.DOTALL);
    private static final String SYSTEM = "You write one PostgreSQL SELECT statement that answers the user's question"
            + " about the tables below. Use only the tables and columns listed, with the table names as given."
            + " Answer with the SQL only, no explanation.";
    /** Model turns an agent may take before it must have answered. */
    private static final int AGENT_STEPS = 8;
    private static final String AGENT_SYSTEM = "You write one PostgreSQL SELECT statement that answers the user's"
            + " question about a warehouse. Find the tables with listTables and their columns with describeTable;"
            + " check your query with explain and fix it until it passes. Answer with the SQL only.";
    private static final Set<String> STOP = Set.of("the", "and", "how", "many", "what", "which", "who", "are", "was",
            "were", "for", "with", "per", "each", "most", "does", "did", "there", "have", "has", "that", "this", "from",
            "one", "all", "any", "when", "where", "not", "its", "into", "out", "over", "about");

    private SqlAssistant() {
    }

    /** A wording of the question: the question itself, a model's rewording, or its keywords. */
    public record Wording(String text, String kind) {
    }

    /** A column as {@code information_schema} and its comment describe it. */
    public record Column(String name, String type, String comment) {
    }

    /** A table or view of the warehouse schema with its comment and columns. */
    public record Table(String name, String comment, List<Column> columns) {
    }

    /** One pair of the shipped example library. */
    public record Example(String question, String sql) {
    }

    /** An example query found for the question, with its fused reciprocal-rank score. */
    public record FoundExample(String question, String sql, double score) {
    }

    /** What a model is asked for when rewording. */
    record Rewordings(List<String> rewordings) {
    }

    /**
     * The run's result. {@code mode} is {@code model} when one model call wrote {@code sql}, {@code agent} when the
     * model wrote it with tools (its steps in {@code agentSteps}), else the offline label; {@code accepted} says
     * whether {@link SqlCheck} passed it, {@code refusal} why not.
     */
    public record Answer(String question, String mode, String sql, Boolean accepted, String refusal, List<String> plan,
                         List<Map<String, Object>> rows, String model, List<String> rewordings, String rewordedBy,
                         List<Table> relevantTables, List<FoundExample> examples, List<String> agentSteps) {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("sql_assistant")
                .description("Writes a checked PostgreSQL SELECT for a question about the warehouse: rewords it (cheap"
                        + " model), reads the schema, finds similar example queries for every wording, and asks the"
                        + " best model once; optionally runs it with a row limit.")
                .owner("gale").tags("example", "llm", "sql")
                .param(Param.string("question").required().description("What to ask of the warehouse, e.g. \"Which"
                        + " channels have the most messages?\""))
                .param(Param.bool("execute").defaultValue(false).description("Run the checked SQL and return its"
                        + " rows"))
                .param(Param.integer("rowLimit").defaultValue(20).min(1).max(1000)
                        .description("At most this many rows are returned when execute is true"))
                .param(Param.string("connection").defaultValue("warehouse").description("The postgres Connection to"
                        + " answer from (in standalone, warehouse is the embedded PostgreSQL)"))
                .param(Param.string("schema").defaultValue(DemoWarehouse.SCHEMA).description("The PostgreSQL schema"
                        + " the SQL may read; demo_warehouse is created and seeded on first use"))
                .param(Param.string("mode").defaultValue("pipeline").oneOf("pipeline", "agent")
                        .description("pipeline: one call to the best model with the schema and examples; agent: the"
                                + " model may call listTables, describeTable and explain before it answers"))
                .param(Param.integer("timeoutMs").defaultValue(5000).min(100).max(60_000)
                        .description("Statement timeout of EXPLAIN and of the query"));

        TaskBuilder seed = dag.task("seed_warehouse", DemoWarehouse::seedTask);

        TaskBuilder rephrase = dag.task("rephrase", ctx -> wordings(ctx, CommonLlm.forTask(ctx), question(ctx)))
                .llm(ModelNeeds.chat().cheapest());

        TaskBuilder schema = dag.task("read_schema", ctx -> {
            try (Connection jdbc = DemoWarehouse.open(ctx.connection(ctx.param("connection", String.class)))) {
                List<Table> tables = schema(jdbc, ctx.param("schema", String.class));
                if (tables.isEmpty()) {
                    throw new IllegalStateException("schema " + ctx.param("schema", String.class) + " of connection '"
                            + ctx.param("connection", String.class) + "' has no tables or views the SQL could read");
                }
                return tables;
            }
        });

        TaskBuilder examples = dag.task("find_examples", ctx -> findExamples(CommonLlm.forTask(ctx),
                Arrays.asList(ctx.input("rephrase", Wording[].class)), library(), 5))
                .llm(ModelNeeds.embedding());

        TaskBuilder write = dag.task("write_sql", SqlAssistant::write).llm(ModelNeeds.chat().bestQuality());

        seed.then(schema);
        rephrase.then(examples);
        write.after(schema, examples, rephrase);
        return dag.result(write).build();
    }

    private static String question(TaskContext ctx) {
        String question = ctx.param("question", String.class).strip();
        if (question.isEmpty()) {
            throw new IllegalArgumentException("conf question is empty; ask something, e.g. {\"question\": \"Which"
                    + " channels have the most messages?\"}");
        }
        return question;
    }

    /** The question and 3 rewordings: the chat model's when one is configured, else the question's keywords. */
    static List<Wording> wordings(TaskContext ctx, Llm llm, String question) {
        List<Wording> wordings = new ArrayList<>(List.of(new Wording(question, "question")));
        if (isOffline(llm)) {
            QueryRewordings.of(question).forEach(r -> wordings.add(new Wording(r, "keywords")));
            return wordings;
        }
        String model = llm.chatChoice().model().orElseThrow().id();
        try {
            llm.chat("You reword questions about a database for an analyst. Give exactly 3 different rewordings of"
                            + " the user's question that keep its meaning, using words a table or column might use.",
                            question, Rewordings.class).rewordings().stream().map(String::strip)
                    .filter(r -> !r.isEmpty()).distinct().limit(3)
                    .forEach(r -> wordings.add(new Wording(r, "model " + model)));
        } catch (LlmException e) {
            ctx.log("rewording with " + model + " failed, using keywords instead: " + e.getMessage());
            QueryRewordings.of(question).forEach(r -> wordings.add(new Wording(r, "keyword extraction: rewording with "
                    + model + " failed (see the " + ctx.taskId() + " task's log)")));
        }
        return wordings;
    }

    /** The tables and views of {@code schema} with their columns, types and comments, from information_schema. */
    static List<Table> schema(Connection jdbc, String schema) {
        DSLContext db = DSL.using(jdbc, SQLDialect.POSTGRES);
        Map<String, Table> tables = new LinkedHashMap<>();
        db.fetch("""
                SELECT c.table_name, c.column_name, c.data_type,
                       obj_description(format('%I.%I', c.table_schema, c.table_name)::regclass, 'pg_class'),
                       col_description(format('%I.%I', c.table_schema, c.table_name)::regclass, c.ordinal_position)
                FROM information_schema.columns c
                JOIN information_schema.tables t USING (table_catalog, table_schema, table_name)
                WHERE c.table_schema = ? AND t.table_type IN ('BASE TABLE', 'VIEW')
                ORDER BY c.table_name, c.ordinal_position""", schema).forEach(r -> tables.computeIfAbsent(
                        schema + "." + r.get(0, String.class), name -> new Table(name, r.get(3, String.class),
                                new ArrayList<>()))
                .columns().add(new Column(r.get(1, String.class), r.get(2, String.class), r.get(4, String.class))));
        return List.copyOf(tables.values());
    }

    /** The shipped example library over demo_warehouse. */
    static List<Example> library() {
        try (InputStream in = SqlAssistant.class.getResourceAsStream(EXAMPLES)) {
            return JSON.readValue(in, new TypeReference<List<Example>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the example library " + EXAMPLES, e);
        }
    }

    /** The {@code keep} examples closest to all wordings: a cosine ranking per wording, fused by reciprocal rank. */
    static List<FoundExample> findExamples(Llm llm, List<Wording> wordings, List<Example> library, int keep) {
        List<float[]> vectors = llm.embed(library.stream().map(Example::question).toList());
        List<float[]> queries = llm.embed(wordings.stream().map(Wording::text).toList());
        List<List<Example>> rankings = queries.stream().map(q -> IntStream.range(0, library.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -cosine(q, vectors.get(i))))
                .limit(Math.max(keep * 2L, 10)).map(library::get).toList()).toList();
        return RankFusion.fuse(rankings, Example::question).stream().limit(keep)
                .map(s -> new FoundExample(s.item().question(), s.item().sql(), round(s.score()))).toList();
    }

    /**
     * The tables whose names, comments or columns share a word with the wordings, with only the matching columns
     * (all of them when none match by column), plus the tables the found examples read.
     */
    static List<Table> relevant(List<Table> tables, List<Wording> wordings, List<FoundExample> examples) {
        Set<String> words = new LinkedHashSet<>();
        wordings.forEach(w -> words.addAll(stems(w.text())));
        String exampleSql = examples.stream().map(FoundExample::sql).collect(Collectors.joining(" "))
                .toLowerCase(Locale.ROOT);
        List<Table> relevant = new ArrayList<>();
        for (Table table : tables) {
            String bare = table.name().substring(table.name().indexOf('.') + 1);
            List<Column> columns = table.columns().stream().filter(c -> overlaps(words, c.name() + " "
                    + (c.comment() == null ? "" : c.comment()))).toList();
            boolean byTable = overlaps(words, bare + " " + (table.comment() == null ? "" : table.comment()));
            if (byTable || !columns.isEmpty() || exampleSql.contains(table.name().toLowerCase(Locale.ROOT))) {
                relevant.add(new Table(table.name(), table.comment(), columns.isEmpty() ? table.columns() : columns));
            }
        }
        return relevant;
    }

    private static Answer write(TaskContext ctx) throws SQLException {
        String question = question(ctx);
        List<Wording> wordings = Arrays.asList(ctx.input("rephrase", Wording[].class));
        List<Table> tables = Arrays.asList(ctx.input("read_schema", Table[].class));
        List<FoundExample> examples = Arrays.asList(ctx.input("find_examples", FoundExample[].class));
        List<Wording> rewordings = wordings.stream().filter(w -> !w.kind().equals("question")).toList();
        String rewordedBy = rewordings.isEmpty() ? "none" : rewordings.getFirst().kind().equals("keywords")
                ? OFFLINE_REWORDING : rewordings.getFirst().kind();
        List<String> rewordingTexts = rewordings.stream().map(Wording::text).toList();
        List<Table> relevant = relevant(tables, wordings, examples);
        Llm llm = CommonLlm.forTask(ctx);
        if (isOffline(llm)) {
            ctx.log(OFFLINE);
            return new Answer(question, OFFLINE, null, null, null, List.of(), List.of(), "none", rewordingTexts,
                    rewordedBy, relevant, examples, List.of());
        }
        boolean agent = ctx.param("mode", String.class).equals("agent");
        String model = llm.chatChoice().model().map(ModelSpec::id).orElse("none");
        int rowLimit = ctx.param("execute", Boolean.class) ? ctx.param("rowLimit", Integer.class) : 0;
        SqlCheck check = new SqlCheck(ctx.param("timeoutMs", Integer.class));
        SqlCheck.Verdict verdict;
        String sql;
        List<String> steps = List.of();
        try (Connection jdbc = DemoWarehouse.open(ctx.connection(ctx.param("connection", String.class)))) {
            DSL.using(jdbc, SQLDialect.POSTGRES).execute("SELECT set_config('search_path', ?, false)",
                    ctx.param("schema", String.class));
            if (agent) {
                AgentResult result = llm.agent(AGENT_SYSTEM, agentPrompt(question, rewordingTexts, examples),
                        new WarehouseTools(jdbc, tables, check), AGENT_STEPS);
                sql = sqlOf(result.answer() == null ? "" : result.answer());
                steps = result.transcript().stream().map(step -> step.kind() + (step.name() == null ? ""
                        : " " + step.name() + (step.arguments() == null ? "" : " " + step.arguments()))).toList();
            } else {
                sql = sqlOf(llm.chat(SYSTEM, prompt(question, rewordingTexts, tables, examples)));
            }
            verdict = check.check(jdbc, sql, rowLimit);
        }
        ctx.log(verdict.accepted() ? "the SQL of " + model + " passed the check" + (rowLimit > 0 ? " and returned "
                + verdict.rows().size() + " rows" : "") : "the SQL of " + model + " was refused: " + verdict.reason());
        return new Answer(question, agent ? "agent" : "model", sql, verdict.accepted(),
                verdict.accepted() ? null : verdict.reason(), verdict.plan(), verdict.rows(), model, rewordingTexts,
                rewordedBy, relevant, examples, steps);
    }

    static String agentPrompt(String question, List<String> rewordings, List<FoundExample> examples) {
        StringBuilder prompt = new StringBuilder("Question: ").append(question).append('\n');
        if (!rewordings.isEmpty()) {
            prompt.append("In other words: ").append(String.join("; ", rewordings)).append('\n');
        }
        prompt.append("\nSimilar questions answered before:\n");
        examples.forEach(e -> prompt.append("Q: ").append(e.question()).append("\nSQL: ").append(e.sql())
                .append('\n'));
        return prompt.toString();
    }

    /** The agent mode's tools over the warehouse: what the model may look at and check, never change. */
    public static final class WarehouseTools {
        private final Connection jdbc;
        private final List<Table> tables;
        private final SqlCheck check;

        WarehouseTools(Connection jdbc, List<Table> tables, SqlCheck check) {
            this.jdbc = jdbc;
            this.tables = tables;
            this.check = check;
        }

        @Tool("Lists the warehouse's tables, each with what it holds")
        public String listTables() {
            return tables.stream().map(t -> t.name() + (t.comment() == null ? "" : " -- " + t.comment()))
                    .collect(Collectors.joining("\n"));
        }

        @Tool("Lists a table's columns with their types and what each means")
        public String describeTable(String table) {
            String wanted = table.strip().toLowerCase(Locale.ROOT);
            return tables.stream().filter(t -> t.name().equals(wanted) || t.name().endsWith("." + wanted)).findFirst()
                    .map(t -> t.columns().stream().map(c -> c.name() + " " + c.type() + (c.comment() == null ? ""
                            : " -- " + c.comment())).collect(Collectors.joining("\n")))
                    .orElse("there is no table " + table + "; the tables are " + tables.stream().map(Table::name)
                            .toList());
        }

        @Tool("Checks one SELECT with PostgreSQL's EXPLAIN, read-only and under a timeout: its plan, or why it was"
                + " refused")
        public String explain(String sql) {
            SqlCheck.Verdict verdict = check.check(jdbc, sql, 0);
            return verdict.accepted() ? String.join("\n", verdict.plan()) : "refused: " + verdict.reason();
        }
    }

    static String prompt(String question, List<String> rewordings, List<Table> tables, List<FoundExample> examples) {
        StringBuilder prompt = new StringBuilder("Tables:\n");
        for (Table table : tables) {
            prompt.append(table.name()).append(table.comment() == null ? "" : " -- " + table.comment()).append('\n');
            for (Column column : table.columns()) {
                prompt.append("  ").append(column.name()).append(' ').append(column.type())
                        .append(column.comment() == null ? "" : " -- " + column.comment()).append('\n');
            }
        }
        prompt.append("\nExample questions with their SQL:\n");
        examples.forEach(e -> prompt.append("Q: ").append(e.question()).append("\nSQL: ").append(e.sql())
                .append('\n'));
        prompt.append("\nQuestion: ").append(question).append('\n');
        if (!rewordings.isEmpty()) {
            prompt.append("In other words: ").append(String.join("; ", rewordings)).append('\n');
        }
        return prompt.toString();
    }

    /** The SQL of a model's answer: inside a code fence when it wrote one, else the whole answer. */
    static String sqlOf(String answer) {
        Matcher fenced = FENCE.matcher(answer);
        return (fenced.find() ? fenced.group(1) : answer).strip();
    }

    static boolean isOffline(Llm llm) {
        return llm.chatChoice().model().map(m -> m.provider().equals(LlmCatalog.LOCAL_PROVIDER)).orElse(true);
    }

    private static boolean overlaps(Set<String> words, String text) {
        return stems(text).stream().anyMatch(words::contains);
    }

    /** Lower-case words of three letters or more, a plural's s (or ies) made singular, split at underscores. */
    private static Set<String> stems(String text) {
        Set<String> stems = new LinkedHashSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT).replace('_', ' '));
        while (m.find()) {
            String word = m.group();
            if (word.length() >= 3 && !STOP.contains(word)) {
                stems.add(word.endsWith("ies") ? word.substring(0, word.length() - 3) + "y"
                        : word.endsWith("s") && word.length() > 3 ? word.substring(0, word.length() - 1) : word);
            }
        }
        return stems;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}

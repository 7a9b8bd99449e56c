package dev.gale.examples;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.sdk.TaskBuilder;
import java.util.List;
import java.util.Map;

/**
 * The three kinds of task in one DAG: {@code announce}, a command (a shell one-liner); {@code embed} is a @task function of Gale's Python SDK
 * ({@code polyglot_embed.py}, shipped in this jar), run by the worker as a child process, that reads
 * the {@code text} param and returns its output; {@code summarize}, in Java, reads that output.
 */
public final class PolyglotDemoDag {
    private PolyglotDemoDag() {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("polyglot_demo")
                .description("A command announces, a Python task embeds a text, a Java task reads its output.")
                .owner("gale")
                .tags("example", "polyglot")
                .param(Param.string("text").defaultValue("Gale runs Python too").description("Text to embed"));
        TaskBuilder announce = dag.command("announce", "sh", "-c",
                "echo \"$GALE_TASK_ID: a command task of run $GALE_RUN_ID\"");
        TaskBuilder embed = dag.python("embed", "polyglot_embed:embed");
        TaskBuilder summarize = dag.task("summarize", ctx -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> embedding = ctx.input("embed", Map.class);
            List<?> vector = (List<?>) embedding.get("vector");
            ctx.log("read a " + vector.size() + "-dimensional vector from the Python task");
            return "'" + embedding.get("text") + "': " + embedding.get("words") + " words, vector of "
                    + vector.size();
        });
        announce.then(embed).then(summarize);
        return dag.result(summarize).build();
    }
}

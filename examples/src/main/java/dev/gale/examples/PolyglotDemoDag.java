package dev.gale.examples;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Param;
import dev.gale.sdk.TaskBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A Python task and a Java task in one DAG: {@code embed} runs plain {@code python3} as a child
 * process of the worker, reads the {@code text} param and writes its output (an XCom) through the
 * worker; {@code summarize}, in Java, reads that output.
 */
public final class PolyglotDemoDag {
    private PolyglotDemoDag() {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("polyglot_demo")
                .description("A python3 task embeds a text; a Java task reads its output.")
                .owner("gale")
                .tags("example", "polyglot")
                .param(Param.string("text").defaultValue("Gale runs Python too").description("Text to embed"));
        // The script travels inside the DAG's version: changing it makes a new version.
        TaskBuilder embed = dag.command("embed", "python3", "-c", script("embed.py"));
        TaskBuilder summarize = dag.task("summarize", ctx -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> embedding = ctx.input("embed", Map.class);
            List<?> vector = (List<?>) embedding.get("vector");
            ctx.log("read a " + vector.size() + "-dimensional vector from the Python task");
            return "'" + embedding.get("text") + "': " + embedding.get("words") + " words, vector of "
                    + vector.size();
        });
        embed.then(summarize);
        return dag.result(summarize).build();
    }

    private static String script(String name) {
        try (InputStream in = PolyglotDemoDag.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the examples jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}

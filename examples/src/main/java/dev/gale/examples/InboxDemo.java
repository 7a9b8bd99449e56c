package dev.gale.examples;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Task;
import dev.gale.sdk.TaskBuilder;
import dev.gale.sdk.Trigger;
import dev.gale.sdk.TypeToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A sensor that waits for CSV files in an inbox directory without holding a worker, then a task that
 * counts their rows and moves them to {@code done/}, so the next run waits for new files.
 */
public final class InboxDemo {
    /** Where the scheduler looks: {@code GALE_INBOX}, else {@code gale-inbox} in the temp directory. */
    public static final Path INBOX = Path.of(System.getenv().getOrDefault("GALE_INBOX",
            Path.of(System.getProperty("java.io.tmpdir"), "gale-inbox").toString())).toAbsolutePath();

    private InboxDemo() {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("inbox_demo")
                .description("Waits (deferred, no worker slot) for *.csv in the inbox, then counts their rows.")
                .tags("example");
        TaskBuilder waitForCsv = dag.sensor("wait_for_csv",
                Trigger.filePresent(INBOX + "/*.csv", Duration.ofSeconds(2)), Duration.ofDays(1));
        Task<Map<String, Object>> count = dag.task("count_rows", new TypeToken<Map<String, Object>>() { }, ctx -> {
            @SuppressWarnings("unchecked")
            List<String> paths = (List<String>) ctx.input("wait_for_csv", Map.class).get("paths");
            long rows = 0;
            for (String path : paths) {
                rows += countAndMove(Path.of(path));
            }
            ctx.log("counted " + rows + " rows in " + paths.size() + " file(s)");
            return Map.of("files", paths.size(), "rows", rows);
        }).after(waitForCsv);
        return dag.result(count).build();
    }

    private static long countAndMove(Path file) {
        try {
            long rows;
            try (var lines = Files.lines(file)) {
                rows = lines.filter(line -> !line.isBlank()).count();
            }
            Path done = Files.createDirectories(file.getParent().resolve("done"));
            Files.move(file, done.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or move " + file, e);
        }
    }
}

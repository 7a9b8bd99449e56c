package dev.gale.cli;

import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code gale tasks logs}: a task instance's log over the REST API, optionally followed while it runs. */
@Command(name = "tasks", mixinStandardHelpOptions = true, description = "Task instances (REST API client).",
        subcommands = TasksCommand.Logs.class)
public final class TasksCommand {
    private static final Set<String> STILL_WRITING = Set.of("none", "scheduled", "queued", "running", "up_for_retry",
            "deferred");
    private static final long FOLLOW_INTERVAL_MS = 1_000;

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a task instance's log; with"
            + " --follow, keep printing new lines until the attempt ends.")
    static final class Logs implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Mixin
        RunRef run;

        @Parameters(index = "2", paramLabel = "TASK", description = "The task id.")
        String taskId;

        @Option(names = "--map-index", description = "Instance of a mapped task (default: the unmapped task).")
        int mapIndex = -1;

        @Option(names = "--attempt", description = "Which attempt (default: the latest).")
        Integer attempt;

        @Option(names = {"-f", "--follow"}, description = "Keep printing new lines while the task runs.")
        boolean follow;

        @Override
        public Integer call() throws InterruptedException {
            GaleClient api = client.client();
            String base = run.path() + "/tasks/" + GaleClient.encode(taskId) + "/logs?mapIndex=" + mapIndex
                    + (attempt == null ? "" : "&attempt=" + attempt);
            long offset = 0;
            while (true) {
                JsonNode page = api.get(base + "&offset=" + offset).body();
                for (JsonNode line : page.get("lines")) {
                    System.out.println(client.json ? GaleClient.compact(line)
                            : line.get("timestamp").asString() + " " + line.get("stream").asString() + "  "
                            + line.get("line").asString());
                }
                boolean more = page.get("nextOffset").asLong() > offset;
                offset = page.get("nextOffset").asLong();
                if (more) {
                    continue;
                }
                if (!follow || !STILL_WRITING.contains(page.get("taskState").asString())) {
                    return 0;
                }
                Thread.sleep(FOLLOW_INTERVAL_MS);
            }
        }
    }
}

package dev.gale.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code gale runs trigger|list|show|cancel}: DAG runs over the REST API. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Trigger, list, show and cancel DAG runs"
        + " (REST API client).",
        subcommands = {RunsCommand.Trigger.class, RunsCommand.ListRuns.class, RunsCommand.Show.class,
                RunsCommand.Cancel.class})
public final class RunsCommand {
    /** Exit status of {@code trigger --wait} when the run had not ended at the deadline. */
    static final int STILL_RUNNING = 3;
    private static final Set<String> DONE = Set.of("success", "failed", "skipped", "upstream_failed", "removed");

    /** Reads {@code 30s}, {@code 5m}, {@code 1h} or an ISO-8601 duration such as {@code PT30S}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("pt")) {
                    return Duration.parse(value);
                }
                long amount = Long.parseLong(v.substring(0, v.length() - 1));
                return switch (v.charAt(v.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    default -> throw new IllegalArgumentException();
                };
            } catch (RuntimeException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value
                        + "' is not a duration; write 30s, 5m, 1h or PT30S");
            }
        }
    }

    @Command(name = "trigger", mixinStandardHelpOptions = true, description = "Trigger a run of a DAG. With --wait,"
            + " wait for it and print its result; exits 0 on success, 1 if the run failed or was cancelled, "
            + STILL_RUNNING + " if it was still running at the deadline.")
    static final class Trigger implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "DAG", description = "The DAG id.")
        String dagId;

        @Option(names = "--conf", description = "Param values as a JSON object, e.g. '{\"name\":\"Ada\"}'.")
        String conf;

        @Option(names = "--wait", converter = DurationConverter.class,
                description = "Wait this long for the run to end (30s, 5m, PT30S).")
        Duration wait;

        @Option(names = "--note", description = "A note shown with the run.")
        String note;

        @Option(names = "--logical-date", description = "The run's logical date (ISO-8601, e.g. 2026-01-31T00:00:00Z).")
        String logicalDate;

        @Option(names = "--idempotency-key", description = "Triggering again with the same key and request returns"
                + " the same run instead of a new one.")
        String idempotencyKey;

        @Override
        public Integer call() {
            GaleClient api = client.client();
            ObjectNode body = tools.jackson.databind.json.JsonMapper.builder().build().createObjectNode();
            if (conf != null) {
                JsonNode parsed = GaleClient.parse(conf, "--conf");
                if (!parsed.isObject()) {
                    throw new CliException("--conf must be a JSON object such as '{\"name\":\"Ada\"}'");
                }
                body.set("conf", parsed);
            }
            if (note != null) {
                body.put("note", note);
            }
            if (logicalDate != null) {
                body.put("logicalDate", logicalDate);
            }
            Map<String, String> headers = new HashMap<>();
            if (idempotencyKey != null) {
                headers.put("Idempotency-Key", idempotencyKey);
            }
            String runs = "/api/v1/dags/" + GaleClient.encode(dagId) + "/runs";
            // On a terminal a long wait is taken in short steps so that progress can be shown between them.
            boolean showProgress = wait != null && System.console() != null && !client.json
                    && wait.compareTo(Duration.ofSeconds(3)) > 0;
            String query = wait == null || showProgress ? "" : "?wait=" + wait;
            JsonNode run = api.post(runs + query, body.toString(), headers).body();
            if (showProgress) {
                run = awaitWithProgress(api, runs + "/" + GaleClient.encode(run.get("runId").asString()), wait,
                        System.err);
            }
            if (client.json) {
                System.out.println(GaleClient.pretty(run));
            } else {
                printRun(run, System.out);
            }
            return wait == null ? 0 : exitStatus(run.get("state").asString());
        }
    }

    static JsonNode awaitWithProgress(GaleClient api, String runPath, Duration wait, PrintStream progress) {
        Instant deadline = Instant.now().plus(wait);
        JsonNode run = api.get(runPath).body();
        while (!isFinished(run) && Instant.now().isBefore(deadline)) {
            JsonNode tasks = api.get(runPath + "/tasks?limit=1000").body();
            long done = tasks.get("taskInstances").valueStream()
                    .filter(t -> DONE.contains(t.get("state").asString())).count();
            progress.printf("\r%s: %s, %d/%d tasks done ", run.get("runId").asString(), run.get("state").asString(),
                    done, tasks.get("totalEntries").asInt());
            Duration step = Duration.between(Instant.now(), deadline);
            step = step.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : step;
            run = api.get(runPath + "/result?wait=" + (step.isNegative() ? Duration.ZERO : step)).body();
        }
        progress.print("\r\033[K");
        return run;
    }

    private static boolean isFinished(JsonNode run) {
        return List.of("success", "failed", "cancelled").contains(run.get("state").asString());
    }

    private static int exitStatus(String state) {
        return switch (state) {
            case "success" -> 0;
            case "failed", "cancelled" -> 1;
            default -> STILL_RUNNING;
        };
    }

    static void printRun(JsonNode run, PrintStream out) {
        out.printf("run     %s%n", run.get("runId").asString());
        out.printf("dag     %s (version %d)%n", run.get("dagId").asString(), run.get("dagVersion").asInt());
        out.printf("state   %s%n", run.get("state").asString());
        out.printf("conf    %s%n", run.get("conf"));
        if (!run.path("note").isNull() && !run.path("note").isMissingNode()) {
            out.printf("note    %s%n", run.get("note").asString());
        }
        out.printf("queued  %s%n", run.path("queuedAt").asString("-"));
        out.printf("ended   %s%n", run.path("endedAt").isNull() ? "-" : run.path("endedAt").asString("-"));
        if (!run.path("result").isNull() && !run.path("result").isMissingNode()) {
            out.printf("result  %s%n", run.get("result").isString() ? run.get("result").asString() : run.get("result"));
        }
        if (!run.path("error").isNull() && !run.path("error").isMissingNode()) {
            out.printf("error   %s%n", run.get("error").asString());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List runs, newest first.")
    static final class ListRuns implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--dag", description = "Only runs of this DAG (repeatable).")
        List<String> dagIds = List.of();

        @Option(names = "--state", description = "Only runs in this state (repeatable): queued, running, success,"
                + " failed, cancelled.")
        List<String> states = List.of();

        @Option(names = "--since", description = "Only runs queued at or after this instant (ISO-8601).")
        String since;

        @Option(names = "--limit", description = "At most this many runs (default 20).")
        int limit = 20;

        @Override
        public Integer call() {
            StringBuilder query = new StringBuilder("?limit=").append(limit);
            dagIds.forEach(d -> query.append("&dagId=").append(GaleClient.encode(d)));
            states.forEach(s -> query.append("&state=").append(GaleClient.encode(s)));
            if (since != null) {
                try {
                    query.append("&queuedFrom=").append(Instant.parse(since));
                } catch (DateTimeParseException e) {
                    throw new CliException("--since must be an ISO-8601 instant such as 2026-01-31T00:00:00Z");
                }
            }
            JsonNode answer = client.client().get("/api/v1/runs" + query).body();
            if (client.json) {
                System.out.println(GaleClient.pretty(answer));
                return 0;
            }
            Table table = new Table("DAG", "RUN", "STATE", "TYPE", "QUEUED", "ENDED");
            for (JsonNode run : answer.get("runs")) {
                table.row(run.get("dagId").asString(), run.get("runId").asString(), run.get("state").asString(),
                        run.get("runType").asString(), run.get("queuedAt").asString(),
                        run.get("endedAt").isNull() ? null : run.get("endedAt").asString());
            }
            table.print(System.out);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a run and its task instances.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Mixin
        RunRef run;

        @Override
        public Integer call() {
            GaleClient api = client.client();
            JsonNode shown = api.get(run.path()).body();
            JsonNode tasks = api.get(run.path() + "/tasks?limit=1000").body();
            if (client.json) {
                ObjectNode both = (ObjectNode) shown.deepCopy();
                both.set("taskInstances", tasks.get("taskInstances"));
                System.out.println(GaleClient.pretty(both));
                return 0;
            }
            printRun(shown, System.out);
            System.out.println();
            Table table = new Table("TASK", "MAP", "STATE", "ATTEMPT", "WORKER", "ERROR");
            for (JsonNode ti : tasks.get("taskInstances")) {
                table.row(ti.get("taskId").asString(), ti.get("mapIndex").asInt() < 0 ? null : ti.get("mapIndex"),
                        ti.get("state").asString(), ti.get("attempt").asInt(),
                        ti.get("workerId").isNull() ? null : ti.get("workerId").asString(),
                        // A queued GPU task no connected worker can run says what it waits for.
                        ti.has("waitingReason") ? ti.get("waitingReason").asString()
                                : ti.get("error").isNull() ? null : ti.get("error").asString());
            }
            table.print(System.out);
            return 0;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a queued or running run.")
    static final class Cancel implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Mixin
        RunRef run;

        @Override
        public Integer call() {
            JsonNode cancelled = client.client().post(run.path() + "/cancel", "", Map.of()).body();
            if (client.json) {
                System.out.println(GaleClient.pretty(cancelled));
            } else {
                printRun(cancelled, System.out);
            }
            return 0;
        }
    }
}

package dev.gale.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@code gale dags backfill DAG --from --to}: runs a DAG once per schedule interval of a range. */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = "Backfill a DAG: one run per schedule interval whose logical date is in [--from, --to].")
final class BackfillCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "DAG", description = "The DAG id.")
    String dagId;

    @Option(names = "--from", required = true, description = "The first logical date: 2026-03-01 or 2026-03-01T06:00:00Z.")
    String from;

    @Option(names = "--to", required = true, description = "The last logical date, included.")
    String to;

    @Option(names = "--conf", description = "Param values as a JSON object; the params' defaults fill the rest.")
    String conf;

    @Option(names = "--max-active-runs", description = "At most this many of its runs at once (default 10).")
    Integer maxActiveRuns;

    @Option(names = "--order", description = "oldest_first (default) or newest_first.")
    String order;

    @Option(names = "--reprocess", description = "Intervals that already have a run: skip (default), failed"
            + " (rerun those whose latest run failed) or all.")
    String reprocess;

    @Option(names = "--wait", converter = RunsCommand.DurationConverter.class,
            description = "Wait this long for the backfill to complete, showing its progress (30s, 5m, PT30S).")
    Duration wait;

    @Override
    public Integer call() throws InterruptedException {
        ObjectNode body = JsonMapper.builder().build().createObjectNode().put("from", from).put("to", to);
        if (conf != null) {
            JsonNode parsed = GaleClient.parse(conf, "--conf");
            if (!parsed.isObject()) {
                throw new CliException("--conf must be a JSON object such as '{\"region\":\"eu\"}'");
            }
            body.set("conf", parsed);
        }
        if (maxActiveRuns != null) {
            body.put("maxActiveRuns", maxActiveRuns);
        }
        if (order != null) {
            body.put("order", order);
        }
        if (reprocess != null) {
            body.put("reprocess", reprocess);
        }
        GaleClient api = client.client();
        String backfills = "/api/v1/dags/" + GaleClient.encode(dagId) + "/backfills";
        JsonNode backfill = api.post(backfills, body.toString(), Map.of()).body();
        String path = backfills + "/" + backfill.get("backfillId").asLong();
        Instant deadline = wait == null ? Instant.now() : Instant.now().plus(wait);
        while (!isFinished(backfill) && Instant.now().isBefore(deadline)) {
            System.err.println(progress(backfill));
            Thread.sleep(Math.min(1_000, Math.max(1, Duration.between(Instant.now(), deadline).toMillis())));
            backfill = api.get(path).body();
        }
        if (client.json) {
            System.out.println(GaleClient.pretty(backfill));
        } else {
            print(backfill);
        }
        return wait == null || "completed".equals(backfill.get("state").asString())
                && backfill.get("progress").get("failed").asInt() == 0 ? 0 : 1;
    }

    private static boolean isFinished(JsonNode backfill) {
        String state = backfill.get("state").asString();
        return "completed".equals(state) || "cancelled".equals(state);
    }

    private static String progress(JsonNode backfill) {
        JsonNode p = backfill.get("progress");
        return String.format("backfill %d of %s: %s, %d/%d runs done (%d succeeded, %d failed, %d running), %d skipped",
                backfill.get("backfillId").asLong(), backfill.get("dagId").asString(), backfill.get("state").asString(),
                p.get("done").asInt(), p.get("total").asInt(), p.get("succeeded").asInt(), p.get("failed").asInt(),
                p.get("active").asInt(), p.get("skipped").asInt());
    }

    private static void print(JsonNode backfill) {
        System.out.println(progress(backfill));
        Table table = new Table("LOGICAL DATE", "DATA INTERVAL START", "RUN", "STATE");
        for (JsonNode interval : backfill.get("intervals")) {
            table.row(interval.get("logicalDate").asString(), interval.get("dataIntervalStart").asString(),
                    interval.path("runId").asString(""), interval.path("runState").isNull()
                            ? interval.path("skippedBecause").isNull() ? "waiting" : "skipped: "
                            + interval.get("skippedBecause").asString() : interval.get("runState").asString());
        }
        table.print(System.out);
    }
}

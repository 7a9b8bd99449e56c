package dev.gale.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code gale dags list|show|backfill}: the DAGs a Gale server knows. */
@Command(name = "dags", mixinStandardHelpOptions = true, description = "List, show and backfill DAGs (REST API client).",
        subcommands = {DagsCommand.ListDags.class, DagsCommand.ShowDag.class, BackfillCommand.class})
public final class DagsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List DAGs.")
    static final class ListDags implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--tag", description = "Only DAGs with this tag.")
        String tag;

        @Option(names = "--paused", description = "Only paused (true) or unpaused (false) DAGs.")
        Boolean paused;

        @Override
        public Integer call() {
            String query = "?limit=1000" + (tag == null ? "" : "&tag=" + GaleClient.encode(tag))
                    + (paused == null ? "" : "&paused=" + paused);
            JsonNode answer = client.client().get("/api/v1/dags" + query).body();
            if (client.json) {
                System.out.println(GaleClient.pretty(answer));
                return 0;
            }
            Table table = new Table("DAG", "PAUSED", "VERSION", "TASKS", "TAGS", "DESCRIPTION");
            for (JsonNode dag : answer.get("dags")) {
                table.row(dag.get("dagId").asString(), dag.get("isPaused").asBoolean(), dag.get("version").asInt(),
                        dag.get("tasks").size(), String.join(",", dag.get("tags").valueStream()
                                .map(JsonNode::asString).toList()), dag.path("description").asString(""));
            }
            table.print(System.out);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a DAG: its params and tasks.")
    static final class ShowDag implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "DAG", description = "The DAG id.")
        String dagId;

        @Override
        public Integer call() {
            JsonNode dag = client.client().get("/api/v1/dags/" + GaleClient.encode(dagId)).body();
            if (client.json) {
                System.out.println(GaleClient.pretty(dag));
                return 0;
            }
            System.out.printf("%s (version %d%s)%n%s%n%n", dag.get("dagId").asString(), dag.get("version").asInt(),
                    dag.get("isPaused").asBoolean() ? ", paused" : "", dag.path("description").asString(""));
            Table params = new Table("PARAM", "TYPE", "REQUIRED", "DEFAULT", "DESCRIPTION");
            for (JsonNode param : dag.get("params")) {
                params.row(param.get("name").asString(), param.get("type").asString(),
                        param.get("required").asBoolean(), param.path("defaultValue").isNull() ? null
                                : param.get("defaultValue").toString(), param.path("description").asString(""));
            }
            params.print(System.out);
            System.out.println();
            Table tasks = new Table("TASK", "UPSTREAM", "TRIGGER RULE", "QUEUE", "RETRIES");
            for (JsonNode task : dag.get("tasks")) {
                tasks.row(task.get("taskId").asString(), String.join(",", task.get("upstream").valueStream()
                                .map(JsonNode::asString).toList()), task.get("triggerRule").asString(),
                        task.get("queue").asString(), task.get("retries").asInt());
            }
            tasks.print(System.out);
            if (!dag.path("resultTaskId").isNull()) {
                System.out.println("\nresult: the output of task '" + dag.get("resultTaskId").asString() + "'");
            }
            return 0;
        }
    }
}

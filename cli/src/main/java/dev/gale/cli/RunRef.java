package dev.gale.cli;

import picocli.CommandLine.Parameters;

/** The {@code DAG RUN} arguments that name one run, and its path in the REST API. */
final class RunRef {
    @Parameters(index = "0", paramLabel = "DAG", description = "The DAG id.")
    String dagId;

    @Parameters(index = "1", paramLabel = "RUN", description = "The run id.")
    String runId;

    String path() {
        return "/api/v1/dags/" + GaleClient.encode(dagId) + "/runs/" + GaleClient.encode(runId);
    }
}

package dev.gale.examples;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Task;
import java.time.Duration;

/** A flaky task that fails on its first two attempts and succeeds on the third. */
public final class RetryDemo {
    private RetryDemo() {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("retry_demo")
                .description("Fails twice, then succeeds: retries with a short exponential backoff.")
                .tags("example");
        Task<String> flaky = dag.task("flaky", String.class, ctx -> {
            if (ctx.attempt() < 3) {
                throw new IllegalStateException("simulated failure on attempt " + ctx.attempt());
            }
            return "succeeded on attempt " + ctx.attempt();
        }).retries(2, Duration.ofMillis(500)).exponentialBackoff(Duration.ofSeconds(5));
        return dag.result(flaky).build();
    }
}

package dev.gale.examples;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;

/** Runs every minute once unpaused; it starts paused so that a fresh standalone stays quiet. */
public final class CronDemo {
    private CronDemo() {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("cron_demo")
                .description("Says what minute it is, every minute (paused until you unpause it).")
                .tags("example")
                .schedule("* * * * *")
                .pausedOnCreation();
        var tick = dag.task("tick", ctx -> "tick of run " + ctx.runId());
        return dag.result(tick).build();
    }
}

package dev.gale.examples;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBuilder;
import dev.gale.sdk.Task;
import dev.gale.sdk.TypeToken;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs every minute once unpaused; it starts paused so that a fresh standalone stays quiet. Each run
 * covers the minute before its logical date: {@code tick} returns its logical date and data interval
 * (null in a run triggered by hand without a logical date), and {@code window}, a command, prints the
 * same interval from the environment a worker gives child processes.
 */
public final class CronDemo {
    private CronDemo() {
    }

    public static Dag dag() {
        DagBuilder dag = Dag.builder("cron_demo")
                .description("Says which minute each run covers, every minute (paused until you unpause it).")
                .tags("example")
                .schedule("* * * * *")
                .pausedOnCreation();
        Task<Map<String, String>> tick = dag.task("tick", new TypeToken<>() { }, ctx -> {
            Map<String, String> dates = new LinkedHashMap<>();
            dates.put("logicalDate", ctx.logicalDate().map(Instant::toString).orElse(null));
            dates.put("dataIntervalStart", ctx.dataIntervalStart().map(Instant::toString).orElse(null));
            dates.put("dataIntervalEnd", ctx.dataIntervalEnd().map(Instant::toString).orElse(null));
            return dates;
        });
        dag.command("window", "sh", "-c",
                "echo \"run $GALE_RUN_ID covers $GALE_DATA_INTERVAL_START to $GALE_DATA_INTERVAL_END"
                        + " (logical date $GALE_LOGICAL_DATE)\"");
        return dag.result(tick).build();
    }
}

package dev.gale.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./gale bench defer}: many task instances waiting without a worker, and each trigger's latency. */
@Command(name = "defer", mixinStandardHelpOptions = true,
        description = "On a fresh standalone, defers many mapped task instances at once on one external event and"
                + " reports the worker slots they hold, the process's CPU while they wait and the time to finish them"
                + " once fired; then the latency from a time trigger's due instant, an asset version's publication"
                + " and an external event's POST to the resumed attempt's start, p50/p95. Prints a table and writes"
                + " a JSON report.")
final class DeferCommand implements Callable<Integer> {
    @Option(names = "--deferred", description = "Task instances deferred at once (default ${DEFAULT-VALUE}).")
    int deferred = 1_000;

    @Option(names = "--waits", description = "Waits timed for the time trigger and the external event (default"
            + " ${DEFAULT-VALUE}).")
    int waits = 50;

    @Option(names = "--asset-waits", description = "Waits timed for the asset trigger, one after another, each up to"
            + " its 5 s look (default ${DEFAULT-VALUE}).")
    int assetWaits = 15;

    @Option(names = "--idle-seconds", description = "Seconds the process's CPU is measured while they wait (default"
            + " ${DEFAULT-VALUE}).")
    int idleSeconds = 10;

    @Option(names = "--output", description = "The JSON report (default ${DEFAULT-VALUE}).")
    Path output = Path.of("gale-bench-defer.json");

    @Override
    public Integer call() throws Exception {
        DeferBenchmark.Report report = new DeferBenchmark(new DeferBenchmark.Settings(deferred, waits, assetWaits,
                idleSeconds, output)).run(step -> System.err.printf("gale bench defer: %s... (load average %.2f)%n",
                step, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        System.out.println(report.machine());
        System.out.print(report.table());
        report.writeJson(output);
        System.out.println("JSON report: " + output.toAbsolutePath());
        return 0;
    }
}

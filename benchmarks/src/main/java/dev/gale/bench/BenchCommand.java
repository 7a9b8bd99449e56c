package dev.gale.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./gale bench}: runs the benchmark on a fresh standalone Gale and prints the table. */
@Command(name = "gale bench", mixinStandardHelpOptions = true, subcommands = {EmbedCommand.class, StreamCommand.class,
        DeferCommand.class, HopsCommand.class, CronCommand.class},
        description = "Measures Gale's orchestration overhead, throughput and synchronous latency on a fresh"
                + " standalone (embedded PostgreSQL, API server, scheduler, one worker over gRPC), against what"
                + " the same PostgreSQL does on its own. Prints a table and writes a JSON report. 'gale bench embed'"
                + " measures the local embedding model on CPU and GPU instead; 'gale bench defer' measures deferral;"
                + " 'gale bench hops' lays out where the time of a task hop goes; 'gale bench cron' fires many cron DAGs"
                + " in the same minute.")
public final class BenchCommand implements Callable<Integer> {
    private static final BenchSettings FULL = BenchSettings.full(Path.of("gale-bench.json"));

    @Option(names = "--runs", description = "Measured runs of each scenario (default ${DEFAULT-VALUE}).")
    int runs = FULL.runs();

    @Option(names = "--warmups", description = "Unmeasured runs before them (default ${DEFAULT-VALUE}).")
    int warmups = FULL.warmups();

    @Option(names = "--fan-size", description = "Mapped task instances of fan10k (default ${DEFAULT-VALUE}).")
    int fanSize = FULL.fanSize();

    @Option(names = "--sync-triggers", description = "Synchronous triggers per run of sync3 (default ${DEFAULT-VALUE}).")
    int syncTriggers = FULL.syncTriggers();

    @Option(names = "--adhoc-runs", description = "Runs triggered at once in adhoc500 (default ${DEFAULT-VALUE}).")
    int adhocRuns = FULL.adhocRuns();

    @Option(names = "--concurrent-chains", description = "chain40 runs triggered at once in chain40x10 (default ${DEFAULT-VALUE}).")
    int concurrentChains = FULL.concurrentChains();

    @Option(names = "--baseline-seconds", description = "Seconds per run of the 8-connection baseline (default ${DEFAULT-VALUE}).")
    int baselineSeconds = FULL.baselineSeconds();

    @Option(names = "--worker-slots", description = "Task instances the worker runs at once (default ${DEFAULT-VALUE}).")
    int workerSlots = FULL.workerSlots();

    @Option(names = "--output", description = "The JSON report (default ${DEFAULT-VALUE}).")
    Path output = FULL.output();

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        BenchSettings settings = new BenchSettings(runs, warmups, fanSize, syncTriggers, adhocRuns, concurrentChains,
                baselineSeconds, workerSlots, output);
        BenchReport report = new Benchmark(settings).run(scenario -> System.err.printf(
                "gale bench: %s... (load average %.2f)%n", scenario,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        System.out.println(report.machine());
        System.out.print(report.table());
        report.writeJson(output);
        System.out.println("JSON report: " + output.toAbsolutePath());
        return 0;
    }
}

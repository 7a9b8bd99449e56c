package dev.gale.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./gale bench stream}: events per second into the support index, and how fresh it is. */
@Command(name = "stream", mixinStandardHelpOptions = true,
        description = "Runs support_stream on a fresh standalone with its own Kafka broker, produces synthetic"
                + " support events at each rate in turn, and measures the events indexed per second and the"
                + " freshness (produce to retrievable in the support index) p50/p95/p99; prints a table and writes"
                + " a JSON report.")
final class StreamCommand implements Callable<Integer> {
    @Option(names = "--rates", split = ",", description = "Events per second, one phase each (default"
            + " ${DEFAULT-VALUE}).")
    List<Double> rates = List.of(50.0, 100.0, 200.0);

    @Option(names = "--seconds", description = "Seconds each rate is produced for (default ${DEFAULT-VALUE}).")
    int seconds = 30;

    @Option(names = "--partitions", description = "Partitions of the topic (default ${DEFAULT-VALUE}).")
    int partitions = 3;

    @Option(names = "--output", description = "The JSON report (default ${DEFAULT-VALUE}).")
    Path output = Path.of("gale-bench-stream.json");

    @Override
    public Integer call() throws Exception {
        StreamBenchmark.Report report = new StreamBenchmark(new StreamBenchmark.Settings(rates, seconds, partitions,
                output)).run(step -> System.err.printf("gale bench stream: %s... (load average %.2f)%n", step,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        System.out.println(report.machine());
        System.out.print(report.table());
        report.writeJson(output);
        System.out.println("JSON report: " + output.toAbsolutePath());
        return 0;
    }
}

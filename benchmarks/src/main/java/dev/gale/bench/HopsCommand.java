package dev.gale.bench;

import dev.gale.api.standalone.Standalone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import jdk.jfr.Recording;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gale bench hops}: where the time of one task hop goes. Runs {@code chain40} on a fresh
 * standalone while a flight recording takes Gale's own events (worker phases, credits, dispatcher
 * wake-ups and passes, claims, reports), then lays every hop out step by step.
 */
@Command(name = "hops", mixinStandardHelpOptions = true,
        description = "Lays out where the time of a task hop goes: runs chain40 under a JDK Flight Recording of"
                + " Gale's events and prints each step of a hop (worker report, commit, wake-up, claim, send, start)"
                + " with its median and p90 over all hops, and one hop event by event.")
final class HopsCommand implements Callable<Integer> {
    @Option(names = "--warmups", description = "chain40 runs before the recording (default ${DEFAULT-VALUE}).")
    int warmups = 1;

    @Option(names = "--runs", description = "chain40 runs recorded, one after another (default ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--worker-slots", description = "Task instances the worker runs at once (default ${DEFAULT-VALUE}).")
    int workerSlots = 8;

    @Option(names = "--jfr", description = "Also keep the recording in this file (open it in JDK Mission Control).")
    Path jfr;

    @Override
    public Integer call() throws Exception {
        Path home = Files.createTempDirectory("gale-bench-hops-");
        Path recorded = jfr != null ? jfr : home.resolve("hops.jfr");
        try (Standalone gale = Standalone.start(new Standalone.Options(home, 0, 0, workerSlots,
                Map.of("logging.level.dev.gale", "WARN"), null))) {
            GaleClient client = new GaleClient(gale.httpPort(), gale.createdAdminToken().orElseThrow());
            for (int i = 0; i < warmups; i++) {
                client.runToEnd(BenchmarkDags.CHAIN40, "{}");
            }
            try (Recording recording = new Recording()) {
                HopTimeline.EVENTS.forEach(name -> recording.enable(name).withoutThreshold());
                recording.start();
                for (int i = 0; i < runs; i++) {
                    client.runToEnd(BenchmarkDags.CHAIN40, "{}");
                }
                recording.stop();
                recording.dump(recorded);
            }
            System.out.printf("chain40 after %d warm-up run(s), %d run(s) recorded, %d worker slots%n", warmups, runs,
                    workerSlots);
            System.out.print(HopTimeline.read(recorded).report());
            if (jfr != null) {
                System.out.println("Recording: " + jfr.toAbsolutePath());
            }
        } finally {
            Benchmark.deleteRecursively(home);
        }
        return 0;
    }
}

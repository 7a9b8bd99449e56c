package dev.gale.bench;

import java.nio.file.Path;

/**
 * What to run and how big.
 *
 * @param runs measured runs of each scenario
 * @param warmups runs of each scenario before measuring, to warm the JIT, the pools and PostgreSQL's caches
 * @param fanSize mapped task instances of fan10k
 * @param syncTriggers synchronous triggers, one after another, per run of sync3
 * @param adhocRuns runs triggered at once per run of adhoc500
 * @param concurrentChains chain40 runs triggered at once per run of chain40x10
 * @param baselineSeconds how long each run of the 8-connection baseline writes
 * @param workerSlots task instances the worker runs at once
 * @param output where the JSON report goes
 */
record BenchSettings(int runs, int warmups, int fanSize, int syncTriggers, int adhocRuns, int concurrentChains,
                     int baselineSeconds, int workerSlots, Path output) {
    BenchSettings {
        if (runs < 1 || warmups < 0 || fanSize < 1 || syncTriggers < 1 || adhocRuns < 1 || concurrentChains < 1
                || baselineSeconds < 1 || workerSlots < 1) {
            throw new IllegalArgumentException("runs, sizes, seconds and slots must be at least 1 (warm-ups at least 0)");
        }
    }

    /** The sizes: the figures in docs/benchmarks.md come from these. */
    static BenchSettings full(Path output) {
        return new BenchSettings(5, 1, 10_000, 300, 500, 10, 3, 8, output);
    }
}

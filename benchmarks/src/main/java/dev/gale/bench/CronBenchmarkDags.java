package dev.gale.bench;

import dev.gale.sdk.Dag;
import dev.gale.sdk.DagBundle;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The DAGs of {@code gale bench cron}: {@code count} DAGs of five tasks (one, three in parallel, one), each on the
 * every-minute cron schedule from the same first fire for {@code fires} minutes. Not listed for ServiceLoader: the
 * cron command hands it to its own standalone only (through {@value #PROPERTY}), so that no other scenario shares
 * the machine with 200 schedules.
 */
public final class CronBenchmarkDags implements DagBundle {
    /** {@code count,firstFireEpochSecond,fires}; set by the cron command before its standalone starts. */
    static final String PROPERTY = "gale.bench.cron";
    static final String PREFIX = "bench_cron_";

    @Override
    public List<Dag> dags() {
        String[] setting = System.getProperty(PROPERTY, "").split(",");
        if (setting.length != 3) {
            throw new IllegalStateException("the cron benchmark's DAGs need -D" + PROPERTY
                    + "=count,firstFireEpochSecond,fires; run them through gale bench cron");
        }
        int count = Integer.parseInt(setting[0]);
        Instant first = Instant.ofEpochSecond(Long.parseLong(setting[1]));
        Instant last = first.plus(Duration.ofMinutes(Integer.parseInt(setting[2]) - 1));
        return IntStream.rangeClosed(1, count).mapToObj(i -> dag(dagId(i), first, last)).toList();
    }

    static String dagId(int i) {
        return PREFIX + String.format("%03d", i);
    }

    private static Dag dag(String dagId, Instant first, Instant last) {
        return BenchmarkDags.diamond(Dag.builder(dagId).tags("benchmark").schedule("* * * * *").startDate(first)
                .endDate(last).description("Five tasks (one, three in parallel, one) every minute from " + first
                        + " to " + last));
    }
}

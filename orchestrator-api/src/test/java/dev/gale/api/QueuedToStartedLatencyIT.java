package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.RunWaiter;
import dev.gale.scheduler.service.SchedulerStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Measures, and prints, how long a queued task waits before it starts on an idle worker: from the
 * task instance's queued_at (set in the transaction that queues it) to the moment its code begins
 * on the worker, over real PostgreSQL NOTIFY, gRPC and the worker runtime. A figure to report, not
 * a timed assertion.
 */
class QueuedToStartedLatencyIT {
    private static final int TASKS = 100;

    @Test
    void reportsTheMedianFromQueuedToStartedOnAnIdleWorker() throws Exception {
        try (GaleTestServer gale = new GaleTestServer(Map.of())) {
            RunService runs = gale.context.getBean(RunService.class);
            RunWaiter waiter = gale.context.getBean(RunWaiter.class);
            SchedulerStore store = gale.context.getBean(SchedulerStore.class);
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < TASKS + 10; i++) {
                String runId = runs.trigger("clock_for_tests", Map.of(), "manual", null).runId();
                var run = waiter.await("clock_for_tests", runId, Duration.ofSeconds(10)).orElseThrow();
                assertThat(run.state()).isEqualTo(DagRunState.SUCCESS);
                long startedMicros = Long.parseLong(run.resultJson());
                var queuedAt = store.findTaskInstance(runId, "now", -1).orElseThrow().queuedAt();
                long queuedMicros = queuedAt.getEpochSecond() * 1_000_000 + queuedAt.getNano() / 1_000;
                if (i >= 10) {
                    // the first ten warm up the JIT and the connection pools
                    millis.add((startedMicros - queuedMicros) / 1000.0);
                }
            }
            Collections.sort(millis);
            System.out.printf("queued -> started on an idle worker, %d tasks: median %.2f ms, p90 %.2f ms,"
                    + " min %.2f ms, max %.2f ms%n", TASKS, millis.get(TASKS / 2), millis.get(TASKS * 9 / 10),
                    millis.getFirst(), millis.getLast());
            assertThat(millis).allMatch(ms -> ms >= 0);
        }
    }
}

package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.scheduler.engine.RunDecider;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.ReportOutcome;
import dev.gale.scheduler.service.SchedulerStore;
import dev.gale.scheduler.service.TaskAttempt;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * When a heartbeat answers should_stop (the attempt was cancelled or is no longer current), the
 * worker stops the task, in its own process by interrupting it, a child process by killing it,
 * and reports nothing more.
 */
class StopTaskIT {

    private static boolean sleeperAlive() {
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().arguments()
                .map(args -> Arrays.asList(args).contains("41.5")).orElse(false));
    }

    @Test
    void aTaskTheServerNoLongerWantsIsStoppedAndReportsNothing() throws Exception {
        try (GaleTestServer gale = new GaleTestServer(Map.of("gale.heartbeat.interval", "PT0.2S"))) {
            SchedulerStore store = gale.context.getBean(SchedulerStore.class);
            String runId = JsonMapper.builder().build().readTree(
                    gale.post("/api/v1/dags/stoppable_for_tests/runs", "{}").body()).get("runId").asString();
            await().atMost(Duration.ofSeconds(10)).until(() -> gale.worker.runningTasks() == 2 && sleeperAlive());

            for (String taskId : List.of("wait", "sleeper")) {
                var ti = store.findTaskInstance(runId, taskId, -1).orElseThrow();
                // What cancelling the run will do: end the attempt on the server's side.
                assertThat(store.failTask(new TaskAttempt(ti.id(), ti.attempt()), "stopped by the test", true,
                        Instant.now(), RunDecider::decide)).isEqualTo(ReportOutcome.ACCEPTED);
            }

            assertThat(TestDags.INTERRUPTED.await(5, TimeUnit.SECONDS)).as("the in-process task was interrupted")
                    .isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> !sleeperAlive());
            await().atMost(Duration.ofSeconds(5)).until(() -> gale.worker.runningTasks() == 0);
            for (String taskId : List.of("wait", "sleeper")) {
                var ti = store.findTaskInstance(runId, taskId, -1).orElseThrow();
                assertThat(ti.state()).isEqualTo(TaskInstanceState.FAILED);
                assertThat(ti.error()).isEqualTo("stopped by the test");
            }
        }
    }
}

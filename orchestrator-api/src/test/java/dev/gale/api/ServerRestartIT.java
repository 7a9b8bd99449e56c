package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.RunService;
import dev.gale.scheduler.service.SchedulerStore;
import dev.gale.sdk.runtime.DagRegistry;
import dev.gale.sdk.runtime.Worker;
import dev.gale.sdk.runtime.WorkerOptions;
import dev.gale.testing.TestPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The API server restarts while a worker runs a task: the worker reconnects and the task's completion lands. */
class ServerRestartIT {

    private static ConfigurableApplicationContext server(TestPostgres.Database db, int grpcPort) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("server.port", 0);
        properties.put("gale.grpc.port", grpcPort);
        properties.put("gale.db.url", db.jdbcUrl());
        properties.put("gale.db.user", db.user());
        properties.put("gale.db.password", db.password());
        properties.put("gale.heartbeat.interval", "PT0.5S");
        // Every replica, and every restart, must verify the tokens the others issued.
        properties.put("gale.task-token.secret", "restart-test");
        // server.port as an argument: application.properties outranks the builder's default properties.
        return new SpringApplicationBuilder(GaleServerApplication.class).properties(properties)
                .run("--server.port=0");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aCompletionProducedWhileTheServerIsDownLandsOnceItIsBack() throws Exception {
        TestPostgres.Database db = TestPostgres.newDatabase();
        int grpcPort = freePort();
        ConfigurableApplicationContext first = server(db, grpcPort);
        DagRegistry dags = first.getBean(DagRegistry.class);
        try (Worker worker = new Worker(WorkerOptions.builder("localhost:" + grpcPort).workerId("steadfast")
                .slots(1).build(), dags).start()) {
            String runId = first.getBean(RunService.class)
                    .trigger("marked_for_tests", Map.of("seconds", 2), "manual", null).runId();
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.runningTasks() == 1);

            first.close();
            // The task ends while no server is there; its worker keeps the outcome.
            Thread.sleep(3_000);
            assertThat(worker.runningTasks()).as("the finished task waits to report").isEqualTo(1);

            try (ConfigurableApplicationContext second = server(db, grpcPort)) {
                SchedulerStore after = second.getBean(SchedulerStore.class);
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        after.findRun("marked_for_tests", runId).orElseThrow().state() == DagRunState.SUCCESS);
                var mark = after.findTaskInstance(runId, "mark", -1).orElseThrow();
                assertThat(mark.state()).isEqualTo(TaskInstanceState.SUCCESS);
                assertThat(mark.attempt()).as("the first attempt's completion landed; nothing was retried").isEqualTo(1);
                assertThat(after.findRun("marked_for_tests", runId).orElseThrow().resultJson()).isEqualTo("1");
            }
        }
    }
}

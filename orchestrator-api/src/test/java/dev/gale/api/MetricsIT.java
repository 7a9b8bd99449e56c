package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.api.security.Role;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MetricsIT {

    private static double sample(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void aScraperWithAViewerTokenReadsTheQueueDepthOfWorkNoWorkerHasTaken() throws Exception {
        // No worker: the run's first task waits in the default queue, which is what KEDA scales workers on.
        try (GaleTestServer gale = new GaleTestServer(Map.of(), false)) {
            String scraper = gale.token("prometheus", Role.VIEWER);
            assertThat(gale.post("/api/v1/dags/hello/runs", "{}").statusCode()).isEqualTo(201);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                var scrape = gale.send(gale.request("/actuator/prometheus", scraper).GET().build());
                assertThat(scrape.statusCode()).isEqualTo(200);
                String body = scrape.body();
                double depth = sample(body, "gale_queue_depth{queue=\"default\"}");
                assertThat(depth).isGreaterThanOrEqualTo(1.0);
                assertThat(sample(body, "gale_task_instances{state=\"queued\"}")).isEqualTo(depth);
                assertThat(sample(body, "gale_task_instances{state=\"running\"}")).isEqualTo(0.0);
                assertThat(sample(body, "gale_queue_oldest_age_seconds{queue=\"default\"}")).isBetween(0.0, 60.0);
            });

            assertThat(gale.send(gale.request("/actuator/prometheus", null).GET().build()).statusCode())
                    .isEqualTo(401);
            assertThat(gale.send(gale.request("/api/v1/tokens", scraper).GET().build()).statusCode())
                    .isEqualTo(403);
        }
    }

    /** The sum of every sample of {@code metric} whose labels contain {@code labels}. */
    private static double sum(String scrape, String metric, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{([^}]*)} (\\S+)$").matcher(scrape);
        double total = 0;
        while (m.find()) {
            if (m.group(1).contains(labels)) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    @Test
    void afterRunsTheScrapeCountsEveryAttemptInTheDurationAndLatencyHistogramsAndTheRunsByState() throws Exception {
        try (GaleTestServer gale = new GaleTestServer(Map.of())) {
            int runs = 3;
            for (int i = 0; i < runs; i++) {
                var run = gale.post("/api/v1/dags/hello/runs?wait=PT60S", "{}");
                assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
            }
            String scraper = gale.token("prometheus", Role.VIEWER);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String body = gale.send(gale.request("/actuator/prometheus", scraper).GET().build()).body();
                double succeeded = sample(body, "gale_task_instances{state=\"success\"}");
                assertThat(succeeded).isGreaterThanOrEqualTo(runs);
                assertThat(sum(body, "gale_task_duration_seconds_count", "dag_id=\"hello\"")).isEqualTo(succeeded);
                assertThat(sum(body, "gale_task_queued_seconds_count", "dag_id=\"hello\"")).isEqualTo(succeeded);
                assertThat(sum(body, "gale_task_duration_seconds_bucket", "le=\"+Inf\"")).isEqualTo(succeeded);
                assertThat(sum(body, "gale_runs_started_total", "dag_id=\"hello\"")).isEqualTo(runs);
                assertThat(sum(body, "gale_runs_finished_total", "state=\"success\"")).isEqualTo(runs);
                assertThat(sample(body, "gale_workers_connected")).isEqualTo(1.0);
                assertThat(sample(body, "gale_worker_slots")).isEqualTo(4.0);
                assertThat(sum(body, "gale_scheduler_pass_seconds_count", "outcome=\"ok\"")).isPositive();
                assertThat(sample(body, "gale_claimed_tasks_total")).isEqualTo(succeeded);
            });
        }
    }
}

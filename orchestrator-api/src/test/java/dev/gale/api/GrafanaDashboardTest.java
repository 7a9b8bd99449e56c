package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.api.metrics.LlmMeters;
import dev.gale.api.metrics.MicrometerSchedulerMetrics;
import dev.gale.api.metrics.QueueGauges;
import dev.gale.api.metrics.WorkerGauges;
import dev.gale.llm.LlmCatalog;
import dev.gale.scheduler.engine.DagRunState;
import dev.gale.scheduler.engine.TaskInstanceState;
import dev.gale.scheduler.service.QueueMetrics;
import dev.gale.scheduler.service.WorkerDirectory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code deploy/grafana/gale.json} against the metrics the server really registers: Gale's own meters, each
 * used once, scraped from a Prometheus registry as {@code /actuator/prometheus} renders them. A metric renamed in
 * the code, or one the dashboard misspells, fails here; so does a metric of the code that no panel shows.
 */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("..").toAbsolutePath().normalize().resolve("deploy/grafana/gale.json");
    private static final Pattern GALE_NAME = Pattern.compile("\\bgale_[a-z0-9_]+");
    private static JsonNode dashboard;
    private static Set<String> samples;
    private static Set<String> families;

    @BeforeAll
    static void scrape() throws Exception {
        dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerSchedulerMetrics scheduler = new MicrometerSchedulerMetrics(registry);
        scheduler.taskClaimed("etl", "load", Duration.ofMillis(40));
        scheduler.attemptEnded("etl", "load", TaskInstanceState.SUCCESS, Duration.ofSeconds(3));
        scheduler.runStarted("etl");
        scheduler.runFinished("etl", DagRunState.SUCCESS);
        scheduler.schedulingPass(Duration.ofMillis(12), false);
        scheduler.claim(Duration.ofMillis(2), 1);
        new LlmMeters(registry, LlmCatalog.offline()).recorded("openai", "gpt-4o-mini", "ok", 120, 30, 90, 4);
        QueueMetrics queues = now -> new QueueMetrics.Snapshot(Map.of("default",
                new QueueMetrics.QueueDepth(2, Duration.ofSeconds(9))), Map.of("queued", 2L));
        // No database: the worker gauges keep their first values, which is all the names need.
        try (QueueGauges queueGauges = new QueueGauges(queues, registry, Clock.systemUTC());
             WorkerGauges workerGauges = new WorkerGauges(new WorkerDirectory(null, Clock.systemUTC(),
                     Duration.ofSeconds(30)), registry)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!registry.scrape().contains("gale_queue_depth{") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String scrape = registry.scrape();
            samples = new TreeSet<>();
            families = new TreeSet<>();
            for (String line : scrape.split("\n")) {
                if (line.startsWith("# TYPE gale_")) {
                    families.add(line.split(" ")[2]);
                } else if (line.startsWith("gale_")) {
                    samples.add(line.split("[{ ]")[0]);
                }
            }
        }
    }

    /** Every query of the dashboard: each panel target's expression and each variable's query. */
    private static List<String> queries() {
        List<String> queries = new ArrayList<>();
        dashboard.get("panels").forEach(p -> {
            if (p.has("targets")) {
                p.get("targets").forEach(t -> queries.add(t.get("expr").asString()));
            }
        });
        dashboard.get("templating").get("list").forEach(v -> {
            if (v.get("type").asString().equals("query")) {
                queries.add(v.get("query").get("query").asString());
            }
        });
        return queries;
    }

    private static Set<String> namesUsed() {
        Set<String> names = new TreeSet<>();
        for (String query : queries()) {
            Matcher m = GALE_NAME.matcher(query);
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    @Test
    void everyMetricTheDashboardQueriesIsOneTheServerRegisters() {
        assertThat(samples).as("the scrape").contains("gale_queue_depth", "gale_task_duration_seconds_bucket");
        assertThat(namesUsed()).isNotEmpty().allSatisfy(name -> assertThat(samples).as(name).contains(name));
    }

    @Test
    void everyMetricFamilyOfTheServerHasAPanel() {
        Set<String> used = namesUsed();
        for (String family : families) {
            // A timer's _max gauge is Micrometer's extra; its histogram is what the panels read.
            String shown = family.endsWith("_max") ? family.substring(0, family.length() - "_max".length()) : family;
            assertThat(used).as(family).anyMatch(u -> u.equals(shown) || u.startsWith(shown + "_"));
        }
        assertThat(samples).contains("gale_llm_calls_total", "gale_embedded_chunks_total", "gale_workers_connected",
                "gale_scheduler_pass_seconds_bucket", "gale_claim_seconds_bucket");
    }

    @Test
    void everyPanelReadsThePrometheusDatasourceOfTheVariable() {
        JsonNode variable = dashboard.get("templating").get("list").valueStream()
                .filter(v -> v.get("type").asString().equals("datasource")).findFirst().orElseThrow();
        assertThat(variable.get("query").asString()).isEqualTo("prometheus");
        String uid = "${" + variable.get("name").asString() + "}";
        dashboard.get("panels").forEach(p -> {
            if (p.has("targets")) {
                assertThat(p.get("datasource").get("uid").asString()).as(p.get("title").asString()).isEqualTo(uid);
                p.get("targets").forEach(t -> assertThat(t.get("datasource").get("uid").asString()).isEqualTo(uid));
            }
        });
    }
}

package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web UI in a real headless Chromium against a real server, scheduler and worker: sign in,
 * trigger through the generated form, validation errors at their field, a run's task log, the DAG's
 * graph and grid, an asset's versions, chart, comparison and lineage, and the workers. Each page is
 * saved as a screenshot under target/ui-screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final double[] LEARNING_RATES = {0.05, 0.2, 0.7};
    private static Browser browser;
    private static GaleTestServer gale;
    /** runId → learningRate and rmse of the three experiment_demo runs. */
    private static final Map<String, double[]> EXPERIMENTS = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start();
        gale = new GaleTestServer(Map.of("gale.scheduler.interval", "PT0.2S"));
        for (double learningRate : LEARNING_RATES) {
            HttpResponse<String> response = gale.post("/api/v1/dags/experiment_demo/runs?wait=PT60S",
                    "{\"conf\": {\"learningRate\": " + learningRate + ", \"epochs\": 50}}");
            JsonNode run = JSON.readTree(response.body());
            assertThat(run.get("state").asString()).as(response.body()).isEqualTo("success");
            EXPERIMENTS.put(run.get("runId").asString(), new double[] {learningRate,
                    run.get("result").get("rmse").asDouble()});
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(gale.get("/api/v1/runs?dagId=report_demo")
                .body()).get("runs").valueStream().filter(r -> r.get("state").asString().equals("success")).count() == 3);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (gale != null) {
            gale.close();
        }
    }

    /** At a phone's width the page scrolls only vertically (wide tables scroll in their own box); saved as {name}-390. */
    private static void fitsAPhone(String name, String readyCss) throws Exception {
        browser.size(Browser.PHONE);
        try {
            browser.find(readyCss);
            browser.until(d -> (Boolean) browser.script("return document.documentElement.scrollWidth"
                    + " <= document.documentElement.clientWidth"), "no horizontal scrolling at 390 px on " + name);
            browser.screenshot(name + "-390");
        } finally {
            browser.size(Browser.WIDE);
        }
    }

    private static String page(String hash) {
        return gale.baseUrl() + "/#/" + hash;
    }

    @Test
    @Order(1)
    void signingInWithAnApiTokenShowsTheDags() throws Exception {
        browser.size(Browser.WIDE);
        browser.open(gale.baseUrl() + "/");
        browser.find("#token").sendKeys("not-a-token");
        browser.find("#sign-in").click();
        assertThat(browser.find(".login .error").getText()).contains("not valid");
        browser.screenshot("login");

        browser.find("#token").clear();
        browser.find("#token").sendKeys(gale.adminToken);
        browser.find("#sign-in").click();
        WebElement hello = browser.find("#dag-list tr[data-dag=hello]");
        assertThat(hello.getText()).contains("hello", "example", "Trigger");
        WebElement experiments = browser.find("#dag-list tr[data-dag=experiment_demo]");
        assertThat(experiments.findElements(By.cssSelector(".recent .dot.state-success"))).hasSize(3);
        assertThat(browser.script("return sessionStorage.getItem('gale.token')")).isEqualTo(gale.adminToken);
        assertThat(browser.script("return localStorage.length")).isEqualTo(0L);
        browser.screenshot("dags");
        fitsAPhone("dags", "#dag-list tr[data-dag=hello]");
    }

    @Test
    @Order(2)
    void triggeringHelloThroughTheFormShowsTheResult() throws Exception {
        browser.open(page("dags/hello/trigger"));
        WebElement name = browser.find("#param-name");
        assertThat(name.getDomProperty("value")).isEqualTo("world");
        name.clear();
        name.sendKeys("Ada");
        assertThat(browser.find("#wait").isSelected()).isTrue();
        browser.find("#trigger-submit").click();
        WebElement outcome = browser.find("#trigger-outcome");
        browser.until(d -> outcome.getText().contains("success"), "the run to succeed");
        assertThat(browser.find("#trigger-result").getText()).contains("HELLO, ADA! (signed, Gale)");
        browser.screenshot("trigger-hello");
        fitsAPhone("trigger-hello", "#trigger-result");
    }

    @Test
    @Order(3)
    void aBadParamIsShownAtItsField() throws Exception {
        browser.open(page("dags/experiment_demo/trigger"));
        WebElement learningRate = browser.find("#param-learningRate");
        learningRate.clear();
        learningRate.sendKeys("5");
        browser.find("#trigger-submit").click();
        WebElement error = browser.find("#param-learningRate-error[role=alert]");
        assertThat(error.getText()).contains("must be at most 2");
        assertThat(browser.driver.findElements(By.id("trigger-outcome"))).isEmpty();
        browser.screenshot("trigger-validation-error");
    }

    @Test
    @Order(4)
    void aRunShowsItsTasksAndATaskLog() throws Exception {
        String runId = EXPERIMENTS.keySet().iterator().next();
        browser.open(page("dags/experiment_demo/runs/" + runId));
        assertThat(browser.find("#task-instances").getText()).contains("generate", "train");
        assertThat(browser.find("#run-result").getText()).contains("rmse");
        browser.find("#task-instances a.task-link[data-task=train]").click();
        WebElement log = browser.find("#task-log");
        browser.until(d -> log.getText().contains("rmse"), "the train task's log");
        assertThat(log.getText()).contains("model v", "with learningRate " + EXPERIMENTS.get(runId)[0]);
        assertThat(browser.find("#task-xcom").getText()).contains("return_value");
        browser.screenshot("run");
        fitsAPhone("run", "#task-log");
    }

    @Test
    @Order(4)
    void aRunsGanttShowsEachTaskOnItsWorkerInTheOrderTheyRan() throws Exception {
        String runId = EXPERIMENTS.keySet().iterator().next();
        JsonNode instances = JSON.readTree(gale.get("/api/v1/dags/experiment_demo/runs/" + runId + "/tasks").body())
                .get("taskInstances");
        String worker = instances.get(0).get("workerId").asString();
        browser.open(page("dags/experiment_demo/runs/" + runId));

        WebElement lane = browser.find("#gantt .gantt-lane");
        assertThat(lane.getAttribute("data-worker")).isEqualTo(worker);
        assertThat(lane.getText()).contains(worker, "generate", "train");
        WebElement generate = browser.find("#gantt .gantt-bar[data-task=generate]");
        WebElement train = browser.find("#gantt .gantt-bar[data-task=train]");
        assertThat(generate.getAttribute("class")).contains("state-success");
        assertThat(train.getRect().getX()).as("train starts once generate has ended")
                .isGreaterThanOrEqualTo(generate.getRect().getX() + generate.getRect().getWidth() - 2);
        assertThat(train.getRect().getWidth()).isPositive();
        assertThat(train.getAttribute("title")).contains("train: success", "on " + worker);
        browser.screenshot("run-gantt");
    }

    @Test
    @Order(5)
    void aMappedTaskIsOneRowWithCountsThatExpands() throws Exception {
        String body = gale.post("/api/v1/dags/mapping_demo/runs?wait=PT60S", "{\"conf\": {\"numbers\": [1, 2, 3]}}").body();
        String runId = JSON.readTree(body).get("runId").asString();
        browser.open(page("dags/mapping_demo/runs/" + runId));
        WebElement mapped = browser.find("#task-instances tr.mapped");
        assertThat(mapped.getText()).contains("square (3 mapped)", "3 success");
        assertThat(browser.driver.findElements(By.cssSelector("#task-instances a[data-task=square]"))).isEmpty();
        mapped.findElement(By.tagName("button")).click();
        browser.until(d -> d.findElements(By.cssSelector("#task-instances a[data-task=square]")).size() == 3,
                "the three instances of square");
        browser.find("#task-instances a[href$='mapIndex=2']").click();
        browser.until(d -> browser.find("#task-xcom").getText().contains("9"), "the XCom of square [2], 3 squared");
        assertThat(browser.find("#run-result").getText()).contains("14");
        browser.screenshot("run-mapped");
    }

    @Test
    @Order(6)
    void aRunShowsItsModelCallsWithTheirCostAndWhyEachModelWasChosen() throws Exception {
        String body = gale.post("/api/v1/dags/llm_routing_demo/runs?wait=PT60S", "{}").body();
        JsonNode run = JSON.readTree(body);
        assertThat(run.get("state").asString()).as(body).isEqualTo("success");
        JsonNode usage = JSON.readTree(gale.get("/api/v1/dags/llm_routing_demo/runs/" + run.get("runId").asString()
                + "/llm-usage").body());
        browser.open(page("dags/llm_routing_demo/runs/" + run.get("runId").asString()));
        WebElement shown = browser.find("#llm-usage");
        assertThat(shown.getText()).contains(usage.get("totals").get("calls").asInt() + " calls", "extractive",
                usage.get("calls").get(0).get("choiceReasons").asString());
        assertThat(shown.findElements(By.cssSelector("tbody tr"))).hasSize(usage.get("calls").size());
        browser.script("document.getElementById('llm-usage').scrollIntoView()");
        browser.screenshot("run-llm-usage");
    }

    @Test
    @Order(7)
    void aDagShowsItsGraphAndGridAndFollowsNewRunsLive() throws Exception {
        browser.open(page("dags/hello"));
        browser.find("#dag-grid");
        assertThat(browser.script("return document.getElementById('dag-graph').galeGraph.nodes().map(n => n.id())"))
                .isEqualTo(List.of("greet", "shout", "sign"));
        assertThat(browser.find("#dag-graph-nodes").getText()).contains("greet", "success");
        int columns = browser.driver.findElements(By.cssSelector("#dag-grid thead th")).size();
        // A run triggered elsewhere appears without a reload: server-sent events.
        gale.post("/api/v1/dags/hello/runs?wait=PT30S", "{\"conf\": {\"name\": \"Grace\"}}");
        browser.until(d -> d.findElements(By.cssSelector("#dag-grid thead th")).size() == columns + 1,
                "the new run's column");
        browser.screenshot("dag");
        fitsAPhone("dag", "#dag-grid");
    }

    @Test
    @Order(8)
    void anAssetShowsVersionsChartComparisonAndLineage() throws Exception {
        browser.open(gale.baseUrl() + "/#/assets");
        browser.find("#asset-list a[href='#/assets/" + URLEncoder.encode("model://demo-regressor", StandardCharsets.UTF_8)
                .replace("+", "%20") + "']").click();
        List<WebElement> versions = browser.until(d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#asset-versions tbody tr"));
            return rows.size() == 3 ? rows : null;
        }, "three versions");
        assertThat(versions.getFirst().getText()).startsWith("v3");

        // The chart: Chart.js holds one RMSE per version and has drawn them on the canvas.
        browser.until(d -> browser.script("const c = document.getElementById('metadata-chart');"
                + " return c && c.galeChart ? c.galeChart.data.datasets[0].data.filter(v => v !== null).length : 0")
                .equals(3L), "three RMSE points in the chart");
        assertThat(browser.find("#metadata-field").getDomProperty("value")).isEqualTo("rmse");
        long painted = (Long) browser.script("const c = document.getElementById('metadata-chart');"
                + " const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + " let n = 0; for (let i = 3; i < px.length; i += 4) { if (px[i] > 0) n++; } return n;");
        assertThat(painted).as("pixels drawn on the chart's canvas").isGreaterThan(1000);

        for (WebElement box : browser.driver.findElements(By.cssSelector("#asset-versions input[type=checkbox]"))) {
            box.click();
        }
        List<WebElement> compared = browser.until(d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#asset-compare tbody tr"));
            return rows.size() == 3 ? rows : null;
        }, "three compared versions");
        List<String> seen = new ArrayList<>();
        for (WebElement row : compared) {
            double learningRate = Double.parseDouble(row.findElement(By.cssSelector("[data-field='conf.learningRate']")).getText());
            double rmse = Double.parseDouble(row.findElement(By.cssSelector("[data-field='metadata.rmse']")).getText());
            double[] expected = EXPERIMENTS.values().stream().filter(e -> e[0] == learningRate).findFirst().orElseThrow();
            assertThat(rmse).as("RMSE beside learningRate " + learningRate).isEqualTo(expected[1]);
            seen.add(String.valueOf(learningRate));
        }
        assertThat(seen).containsExactlyInAnyOrder("0.05", "0.2", "0.7");
        assertThat(browser.driver.getCurrentUrl()).contains("compare=1%2C2%2C3");
        browser.find("#comparison").getLocation();
        browser.script("document.getElementById('comparison').scrollIntoView()");
        browser.screenshot("asset-comparison");

        assertThat(browser.find("#lineage-nodes").getText()).contains("report://demo-leaderboard",
                "report_demo.leaderboard", "experiment_demo.train", "dataset://demo-regression");
        assertThat(browser.script("return document.getElementById('lineage-graph').galeGraph.nodes().map(n => n.id())"))
                .asList().contains("asset:report://demo-leaderboard", "task:experiment_demo.train");
        browser.script("window.scrollTo(0, 0)");
        browser.screenshot("asset-lineage");
        browser.size(Browser.PHONE);
        browser.until(d -> (Boolean) browser.script("const cy = document.getElementById('lineage-graph').galeGraph;"
                + " const box = cy.elements().renderedBoundingBox(); return box.x1 >= 0 && box.x2 <= cy.width();"),
                "the lineage graph fitted to a phone's width");
        fitsAPhone("asset", "#asset-versions");

        // Depth 1 keeps only what is one asset hop away; the URL says so and can be shared.
        browser.open(page("assets/" + URLEncoder.encode("model://demo-regressor", StandardCharsets.UTF_8) + "?depth=1"));
        assertThat(browser.find("#lineage-depth").getDomProperty("value")).isEqualTo("1");
    }

    @Test
    @Order(9)
    void theWorkersPageShowsTheConnectedWorker() throws Exception {
        browser.open(page("workers"));
        assertThat(browser.find("#worker-list").getText()).contains("test-worker", "default");
        browser.screenshot("workers");
        fitsAPhone("workers", "#worker-list");
    }

    /** Sets a form field as a person typing would, for inputs (datetime-local) whose typing depends on the locale. */
    private static void type(String id, String value) {
        browser.script("const e = document.getElementById(arguments[0]); e.value = arguments[1];"
                + " e.dispatchEvent(new Event('input', {bubbles: true}));", id, value);
    }

    @Test
    @Order(10)
    void aBackfillStartedFromTheDagPageShowsItsProgressUntilItCompletes() throws Exception {
        openSignedIn("dags/cron_demo", "#backfill-form");
        browser.find("#backfill-form");
        type("backfill-from", "2026-06-01T00:00:00");
        type("backfill-to", "2026-06-01T00:05:00");
        WebElement max = browser.find("#backfill-max-active-runs");
        max.clear();
        max.sendKeys("2");
        browser.find("#backfill-submit").click();

        WebElement row = browser.find("#backfill-list tbody tr[data-backfill]");
        browser.until(d -> row.getText().contains("6/6 done") && row.getText().contains("completed"),
                "the backfill's six runs to finish, shown as they go");
        assertThat(row.getText()).contains("2 at a time", "oldest first", "reprocess skip");
        assertThat(browser.driver.findElements(By.cssSelector(".backfill-intervals a[href*='/runs/backfill__']")))
                .as("the intervals of the new backfill, open with their runs").hasSize(6);
        browser.script("document.getElementById('backfills').scrollIntoView()");
        browser.screenshot("backfill");

        type("backfill-from", "2026-06-01T00:05:00");
        type("backfill-to", "2026-06-01T00:00:00");
        browser.find("#backfill-submit").click();
        browser.until(d -> browser.find("#backfills .error").getText().contains("is before from"),
                "the API's reason shown by the form");
        fitsAPhone("backfill", "#backfill-form");
    }

    @Test
    @Order(11)
    void aFailedTaskPickedOnTheGridIsClearedWithItsDownstreamAndTheRunRecordsWhy() throws Exception {
        JsonNode failed = JSON.readTree(gale.post("/api/v1/dags/fails_first_attempt_for_tests/runs?wait=PT60S", "{}").body());
        assertThat(failed.get("state").asString()).isEqualTo("failed");
        openSignedIn("dags/fails_first_attempt_for_tests", "#dag-grid");
        browser.find("#dag-grid a[href*='task=flaky'] .cell.state-failed").click();

        browser.find("#task-action-reason").sendKeys("the source is back");
        browser.find("#task-clear-downstream").click();

        browser.until(d -> browser.find("#run-result").getText().contains("recovered and done"),
                "the cleared tasks to run again and the run to succeed");
        browser.until(d -> browser.find("#task-action-history").getText()
                .contains("clear with downstream flaky: the source is back"), "the clear in the run's record");
        browser.screenshot("task-actions");
        JsonNode actions = JSON.readTree(gale.get("/api/v1/dags/fails_first_attempt_for_tests/runs/"
                + failed.get("runId").asString() + "/actions").body());
        assertThat(actions.get("actions").get(0).get("action").asString()).isEqualTo("clear_with_downstream");
    }

    @Test
    @Order(11)
    void aFailedTaskMarkedSuccessOnTheGridChangesStateAndTheRunRecordsWhy() throws Exception {
        String runId = JSON.readTree(gale.post("/api/v1/dags/fails_first_attempt_for_tests/runs?wait=PT60S", "{}")
                .body()).get("runId").asString();
        String run = "/api/v1/dags/fails_first_attempt_for_tests/runs/" + runId;
        openSignedIn("dags/fails_first_attempt_for_tests", "#dag-grid");
        browser.find("#dag-grid a[href*='task=flaky'] .cell.state-failed").click();

        browser.find("#task-mark-success").click();
        browser.until(d -> browser.find("#task-actions [role=alert]").getText()
                .equals("Invalid request: The request has 1 problem: reason is required: say why, for the run's record"),
                "the refusal of a mark without a reason, with its title and detail");
        browser.find("#task-action-reason").sendKeys("checked the output by hand");
        browser.find("#task-mark-success").click();

        browser.until(d -> browser.find("#task-instances a[data-task=flaky]").findElement(By.xpath("../.."))
                .getText().contains("success"), "flaky shown as success on the grid");
        browser.until(d -> browser.find("#task-action-history").getText()
                .contains("mark success flaky: checked the output by hand"), "the mark in the run's record");
        browser.screenshot("task-mark-success");
        JsonNode flaky = JSON.readTree(gale.get(run + "/tasks?limit=1000").body()).get("taskInstances").valueStream()
                .filter(ti -> ti.get("taskId").asString().equals("flaky")).findFirst().orElseThrow();
        assertThat(flaky.get("state").asString()).isEqualTo("success");
        JsonNode action = JSON.readTree(gale.get(run + "/actions").body()).get("actions").get(0);
        assertThat(action.get("action").asString()).isEqualTo("mark_success");
        assertThat(action.get("reason").asString()).isEqualTo("checked the output by hand");
        assertThat(action.get("taskId").asString()).isEqualTo("flaky");

        String viewerToken = JSON.readTree(gale.post("/api/v1/tokens", "{\"name\": \"grid-viewer\", \"role\": \"viewer\"}")
                .body()).get("token").asString();
        browser.script("sessionStorage.setItem('gale.token', arguments[0])", viewerToken);
        try {
            browser.driver.navigate().refresh();
            browser.find("#task-actions-not-allowed");
            assertThat(browser.driver.findElements(By.cssSelector("#task-actions button"))).as("no action for a viewer")
                    .isEmpty();
            assertThat(browser.find("#task-action-history").getText()).contains("checked the output by hand");
        } finally {
            browser.script("sessionStorage.setItem('gale.token', arguments[0])", gale.adminToken);
        }
    }

    @Test
    @Order(12)
    void poolsAreCreatedResizedAndDeletedOnThePoolsPage() throws Exception {
        openSignedIn("pools", "#pool-form");
        browser.find("#pool-name").sendKeys("reports");
        WebElement slots = browser.find("#pool-slots");
        slots.clear();
        slots.sendKeys("3");
        browser.find("#pool-description").sendKeys("the report database");
        browser.find("#pool-submit").click();
        browser.until(d -> browser.find("#pool-list tr[data-pool=reports]").getText().startsWith("reports 3"),
                "the new pool with its three slots");
        assertThat(browser.find("#pool-list tr[data-pool=reports]").getText()).contains("the report database");
        assertThat(browser.find("#pool-list tr[data-pool=reports] .pool-used").getText()).as("slots in use")
                .isEqualTo("0");

        slots.clear();
        slots.sendKeys("1");
        browser.find("#pool-submit").click();
        browser.until(d -> browser.find("#pool-list tr[data-pool=reports]").getText().startsWith("reports 1"),
                "the pool resized to one slot");
        assertThat(JSON.readTree(gale.get("/api/v1/pools/reports").body()).get("slots").asInt()).isEqualTo(1);
        browser.screenshot("pools");
        fitsAPhone("pools", "#pool-list");

        browser.find("#pool-list tr[data-pool=reports] .pool-delete").click();
        browser.until(d -> d.findElements(By.cssSelector("#pool-list tr[data-pool=reports]")).isEmpty(), "the pool gone");
        assertThat(gale.get("/api/v1/pools/reports").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(13)
    void aDagWhoseRunMissedItsDeadlineSaysSoInTheDagList() throws Exception {
        // sleepy_for_tests must finish within a second of its trigger; it sleeps for ten.
        String runId = JSON.readTree(gale.post("/api/v1/dags/sleepy_for_tests/runs", "{}").body()).get("runId")
                .asString();
        JsonNode missed = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> JSON.readTree(gale.get("/api/v1/dag-overview?limit=1000").body()).get("dags").valueStream()
                        .filter(d -> d.get("dagId").asString().equals("sleepy_for_tests")).findFirst().orElseThrow()
                        .get("missedDeadlines"), m -> !m.isNull() && m.get("latestRunId").asString().equals(runId));
        assertThat(missed.get("runs").asInt()).isPositive();
        assertThat(gale.post("/api/v1/dags/sleepy_for_tests/runs/" + runId + "/cancel", "").statusCode()).isEqualTo(200);

        browser.open(page("dags"));
        WebElement badge = browser.find("#dag-list tr[data-dag=sleepy_for_tests] .missed-deadline");
        assertThat(badge.getText()).isEqualTo(missed.get("runs").asInt() + " missed deadline"
                + (missed.get("runs").asInt() == 1 ? "" : "s"));
        assertThat(badge.getAttribute("href")).endsWith("/runs/" + runId);
        assertThat(browser.driver.findElements(By.cssSelector("#dag-list tr[data-dag=hello] .missed-deadline")))
                .as("a DAG without a missed deadline shows none").isEmpty();
        browser.screenshot("dags-missed-deadline");
    }

    @Test
    @Order(13)
    void aRunShowsItsDeadlineAndItsNotificationsWithTheirDelivery() throws Exception {
        JsonNode failed = JSON.readTree(gale.post("/api/v1/dags/notified_for_tests/runs?wait=PT60S", "{}").body());
        assertThat(failed.get("state").asString()).isEqualTo("failed");
        openSignedIn("dags/notified_for_tests/runs/" + failed.get("runId").asString(), "#run-result");
        assertThat(browser.find("#run-deadline").getText()).startsWith("Deadline: due");
        // No receiver listens on the test DAG's webhook address: the delivery is retried, its error shown.
        browser.until(d -> browser.find("#run-notifications").getText().contains("cannot reach"),
                "the failed delivery attempt and its error");
        assertThat(browser.find("#run-notifications").getText()).contains("failed", "webhook", "pending");
        browser.screenshot("run-notifications");
    }

    @Test
    @Order(14)
    void anAliasMovedOnTheAssetPageIsShownWithItsHistoryAndAStaleMoveIsRefused() throws Exception {
        String name = "model://demo-regressor";
        String path = "assets/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        long assetId = JSON.readTree(gale.get("/api/v1/assets?namePrefix=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                + "&limit=1000").body()).get("assets").valueStream().filter(a -> a.get("name").asString().equals(name))
                .findFirst().orElseThrow().get("id").asLong();
        openSignedIn(path, "#alias-form");
        browser.find("#alias-name").sendKeys("production");
        browser.script("const e = document.getElementById('alias-version'); e.value = '2';"
                + " e.dispatchEvent(new Event('change', {bubbles: true}));");
        browser.find("#alias-reason").sendKeys("lowest RMSE so far");
        browser.find("#alias-move").click();

        WebElement production = browser.until(d -> {
            List<WebElement> items = d.findElements(By.cssSelector("#alias-list > li[data-alias=production]"));
            return items.size() == 1 && items.getFirst().getText().contains("production → v2") ? items.getFirst() : null;
        }, "production pointing at v2");
        assertThat(production.getText()).contains("new → v2 by test-admin", "lowest RMSE so far");
        assertThat(browser.find("#asset-versions tr[data-version='2'] .version-aliases").getText()).isEqualTo("production");
        assertThat(browser.find("#asset-versions tr[data-version='3'] .version-aliases").getText()).isEmpty();
        // The promoted version is drawn larger on the chart than the others.
        browser.until(d -> browser.script("const c = document.getElementById('metadata-chart').galeChart;"
                + " const i = c.data.labels.indexOf('v2'); const r = c.data.datasets[0].pointRadius;"
                + " return r[i] > r[(i + 1) % r.length];").equals(Boolean.TRUE), "v2 marked as promoted on the chart");
        browser.screenshot("asset-aliases");

        // Someone else moves it meanwhile; the page, not reloaded, still believes v2: its move is refused, saying why.
        assertThat(gale.send(gale.request("/api/v1/assets/" + assetId + "/aliases/production", gale.adminToken)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"version\": 3, \"expectedVersion\": 2, \"reason\": \"elsewhere\"}")).build()).statusCode())
                .isEqualTo(200);
        browser.script("const e = document.getElementById('alias-version'); e.value = '1';"
                + " e.dispatchEvent(new Event('change', {bubbles: true}));");
        browser.find("#alias-move").click();
        browser.until(d -> browser.find("#asset-aliases [role=alert]").getText().startsWith("Alias moved meanwhile"),
                "the stale move refused with the API's title");
        JsonNode moves = JSON.readTree(gale.get("/api/v1/assets/" + assetId + "/aliases/production/history").body())
                .get("moves");
        assertThat(moves.valueStream().map(m -> m.get("toVersion").asInt()).toList()).containsExactly(3, 2);

        String viewerToken = JSON.readTree(gale.post("/api/v1/tokens", "{\"name\": \"alias-viewer\", \"role\": \"viewer\"}")
                .body()).get("token").asString();
        browser.script("sessionStorage.setItem('gale.token', arguments[0])", viewerToken);
        try {
            browser.driver.navigate().refresh();
            browser.until(d -> browser.find("#alias-list").getText().contains("production → v3"), "the move made elsewhere");
            assertThat(browser.driver.findElements(By.id("alias-form"))).as("no alias form for a viewer").isEmpty();
        } finally {
            browser.script("sessionStorage.setItem('gale.token', arguments[0])", gale.adminToken);
        }
    }

    @Test
    @Order(15)
    void theTaskPageShowsWhereTheCodeDeclaresTheTaskAndItsPoolSlots() throws Exception {
        assertThat(gale.send(gale.request("/api/v1/pools/warehouse", gale.adminToken)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"slots\": 4}")).build()).statusCode())
                .isBetween(200, 201);
        JsonNode run = JSON.readTree(gale.post("/api/v1/dags/pooled_for_tests/runs?wait=PT60S", "{}").body());
        assertThat(run.get("state").asString()).as(run.toString()).isEqualTo("success");
        String runId = run.get("runId").asString();
        JsonNode task = JSON.readTree(gale.get("/api/v1/dags/pooled_for_tests/runs/" + runId + "/tasks/query").body())
                .get("task");
        assertThat(task.get("source").asString()).as("the line of dag.task(\"query\", ...) in TestDags")
                .matches("dev\\.gale\\.api\\.TestDags:\\d+");
        assertThat(task.get("pool").asString()).isEqualTo("warehouse");
        assertThat(task.get("poolSlots").asInt()).isEqualTo(2);
        JsonNode declared = JSON.readTree(gale.get("/api/v1/dags/pooled_for_tests").body()).get("tasks").get(0);
        assertThat(declared.get("source").asString()).as("the DAG's detail too").isEqualTo(task.get("source").asString());

        openSignedIn("dags/pooled_for_tests/runs/" + runId + "?task=query", "#task-detail");
        assertThat(browser.find("#task-source").getText()).isEqualTo(task.get("source").asString());
        assertThat(browser.find("#task-pool").getText()).isEqualTo("warehouse, 2 slots");
        browser.screenshot("task-declaration");
    }

    /** Opens a page of the UI, signing in with the admin token first when the page asks (a test run on its own). */
    private void openSignedIn(String path, String readySelector) {
        browser.open(page(path));
        browser.find("#token, " + readySelector);
        if (!browser.driver.findElements(By.id("token")).isEmpty()) {
            browser.find("#token").sendKeys(gale.adminToken);
            browser.find("#sign-in").click();
            browser.open(page(path));
        }
    }
}

package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HITL inbox and request page in a real headless Chromium against a real server, scheduler and worker:
 * a person edits and publishes one draft, discards another, and each run goes on down the branch taken.
 */
class HitlWebUiIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Browser browser;
    private static GaleTestServer gale;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start();
        gale = new GaleTestServer(Map.of("gale.scheduler.interval", "PT0.2S"));
        browser.size(Browser.WIDE);
        browser.open(gale.baseUrl() + "/");
        browser.find("#token").sendKeys(gale.adminToken);
        browser.find("#sign-in").click();
        browser.find("#dag-list");
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

    @Test
    void aPersonEditsAndPublishesADraftFromTheInboxAndTheRunGoesOn() throws Exception {
        String runId = trigger();
        long id = pending(runId);
        browser.open(gale.baseUrl() + "/#/hitl");
        WebElement row = browser.find("#hitl-list tr[data-request='" + id + "']");
        assertThat(row.getText()).contains("Publish the draft?", TestDagsHitl.REVIEW, runId, "review", "any operator");
        browser.screenshot("hitl-inbox");
        row.findElement(By.cssSelector("a.hitl-subject")).click();

        WebElement body = browser.find("#hitl-body");
        assertThat(body.findElement(By.tagName("h4")).getText()).isEqualTo("The draft");
        assertThat(body.findElement(By.tagName("strong")).getText()).isEqualTo("every");
        assertThat(body.getText()).contains("<b>not markup</b>");
        assertThat(body.findElements(By.tagName("b"))).as("HTML in the body is text").isEmpty();
        assertThat(body.findElement(By.tagName("a")).getDomAttribute("href")).isEqualTo("https://example.org");
        assertThat(browser.find(".hitl-shown[data-task=draft]").getText()).contains("Paris is the capital of France.");
        assertThat(browser.find("#hitl-run").getText()).isEqualTo(runId);
        WebElement answer = browser.find("#param-answer");
        assertThat(answer.getDomProperty("value")).isEqualTo("Paris is the capital of France.");
        browser.find("#param-stars").sendKeys("9");
        browser.find("button.hitl-option[data-option=publish]").click();
        browser.until(d -> d.findElement(By.id("param-stars-error")).getText().contains("5"),
                "9 stars to be refused beside the field");
        assertThat(JSON.readTree(gale.get("/api/v1/hitl/" + id).body()).at("/request/state").asString())
                .isEqualTo("pending");

        answer.clear();
        answer.sendKeys("Paris, on the Seine.");
        browser.find("#param-stars").sendKeys(Keys.BACK_SPACE, "4");
        browser.find("#hitl-comment-input").sendKeys("tightened");
        browser.screenshot("hitl-request");
        browser.find("button.hitl-option[data-option=publish]").click();

        assertThat(browser.find("#hitl-decided-option").getText()).isEqualTo("publish");
        assertThat(browser.find("#hitl-decided-by").getText()).isEqualTo("test-admin");
        assertThat(browser.find("#hitl-decided-at").getText()).isNotBlank();
        assertThat(browser.find("#hitl-outcome").getText()).contains("Paris, on the Seine.", "tightened");
        browser.screenshot("hitl-decided");
        JsonNode run = finished(runId);
        assertThat(run.get("state").asString()).isEqualTo("success");
        assertThat(run.get("result").toString()).isEqualTo("{\"by\":\"test-admin\",\"published\":\"Paris, on the Seine.\"}");
        assertThat(taskState(runId, "discard")).isEqualTo("skipped");
    }

    @Test
    void aPersonDiscardsADraftAndTheRunGoesOnWithoutPublishing() throws Exception {
        String runId = trigger();
        long id = pending(runId);
        browser.open(gale.baseUrl() + "/#/hitl/" + id);
        browser.find("button.hitl-option[data-option=discard]").click();
        assertThat(browser.find("#hitl-decided-option").getText()).isEqualTo("discard");

        JsonNode run = finished(runId);
        assertThat(run.get("state").asString()).isEqualTo("success");
        assertThat(taskState(runId, "publish")).isEqualTo("skipped");
        assertThat(taskState(runId, "discard")).isEqualTo("success");
        browser.open(gale.baseUrl() + "/#/hitl");
        browser.find("#hitl-list, #hitl-empty");
        assertThat(browser.driver.findElements(By.cssSelector("tr[data-request='" + id + "']"))).isEmpty();
        new Select(browser.find("#hitl-state")).selectByValue("decided");
        assertThat(browser.find("#hitl-list tr[data-request='" + id + "']").getText())
                .contains("discard — test-admin");
    }

    private static String trigger() throws Exception {
        HttpResponse<String> run = gale.post("/api/v1/dags/" + TestDagsHitl.REVIEW + "/runs", "{}");
        assertThat(run.statusCode()).as(run.body()).isBetween(200, 201);
        return JSON.readTree(run.body()).get("runId").asString();
    }

    /** The id of the run's pending request, once its approval task has deferred. */
    private static long pending(String runId) {
        long[] id = {-1};
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (JsonNode r : JSON.readTree(gale.get("/api/v1/hitl?state=pending").body()).get("requests")) {
                if (r.get("runId").asString().equals(runId)) {
                    id[0] = r.get("id").asLong();
                }
            }
            return id[0] >= 0;
        });
        return id[0];
    }

    private static JsonNode finished(String runId) {
        JsonNode[] run = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            run[0] = JSON.readTree(gale.get("/api/v1/dags/" + TestDagsHitl.REVIEW + "/runs/" + runId).body());
            return !run[0].get("state").asString().matches("queued|running");
        });
        return run[0];
    }

    private static String taskState(String runId, String taskId) throws Exception {
        return JSON.readTree(gale.get("/api/v1/dags/" + TestDagsHitl.REVIEW + "/runs/" + runId + "/tasks/" + taskId)
                .body()).get("state").asString();
    }
}

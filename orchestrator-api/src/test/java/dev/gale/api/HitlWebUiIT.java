package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.Deferrals;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.sdk.HumanRequest;
import dev.gale.sdk.Param;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The HITL inbox and request page in a real headless Chromium against a real server. */
class HitlWebUiIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Browser browser;
    private static GaleTestServer gale;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start();
        gale = new GaleTestServer(Map.of("gale.scheduler.interval", "PT0.2S"), false);
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
    void aPersonEditsAndApprovesARequestFromTheInbox() throws Exception {
        long id = pendingReview(HumanRequest.ask("Publish the draft?")
                .body("## The draft\nCheck **every** claim. <b>not markup</b> [docs](https://example.org)")
                .options("publish", "discard").form(Param.string("answer").required().defaultValue("Paris."),
                        Param.integer("stars").min(1).max(5))
                .show("draft"));
        browser.open(gale.baseUrl() + "/#/hitl");
        WebElement row = browser.find("#hitl-list tr[data-request='" + id + "']");
        assertThat(row.getText()).contains("Publish the draft?", TestDagsHitl.BY_HAND, "review", "any operator");
        browser.screenshot("hitl-inbox");
        row.findElement(By.cssSelector("a.hitl-subject")).click();

        WebElement body = browser.find("#hitl-body");
        assertThat(body.findElement(By.tagName("h4")).getText()).isEqualTo("The draft");
        assertThat(body.findElement(By.tagName("strong")).getText()).isEqualTo("every");
        assertThat(body.getText()).contains("<b>not markup</b>");
        assertThat(body.findElements(By.tagName("b"))).as("HTML in the body is text").isEmpty();
        assertThat(body.findElement(By.tagName("a")).getDomAttribute("href")).isEqualTo("https://example.org");
        assertThat(browser.find(".hitl-shown[data-task=draft]").getText()).contains("Paris is the capital of France.");
        WebElement answer = browser.find("#param-answer");
        assertThat(answer.getDomProperty("value")).isEqualTo("Paris.");
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
        JsonNode decided = JSON.readTree(gale.get("/api/v1/hitl/" + id).body()).at("/request/decision");
        assertThat(decided.at("/values/answer").asString()).isEqualTo("Paris, on the Seine.");
        assertThat(decided.at("/values/stars").asInt()).isEqualTo(4);
    }

    @Test
    void aPersonRejectsARequestAndTheInboxNoLongerListsIt() throws Exception {
        long id = pendingReview(HumanRequest.ask("Ship it?"));
        browser.open(gale.baseUrl() + "/#/hitl/" + id);
        browser.find("button.hitl-option[data-option=reject]").click();
        assertThat(browser.find("#hitl-decided-option").getText()).isEqualTo("reject");

        browser.open(gale.baseUrl() + "/#/hitl");
        browser.find("#hitl-list, #hitl-empty");
        assertThat(browser.driver.findElements(By.cssSelector("tr[data-request='" + id + "']"))).isEmpty();
        new org.openqa.selenium.support.ui.Select(browser.find("#hitl-state")).selectByValue("decided");
        assertThat(browser.find("#hitl-list tr[data-request='" + id + "']").getText()).contains("reject — test-admin");
    }

    private static long pendingReview(HumanRequest request) throws Exception {
        HttpResponse<String> run = gale.post("/api/v1/dags/" + TestDagsHitl.BY_HAND + "/runs", "{}");
        assertThat(run.statusCode()).as(run.body()).isBetween(200, 201);
        TaskExecutionService tasks = gale.context.getBean(TaskExecutionService.class);
        ClaimedTask draft = claim(tasks, "draft");
        tasks.complete(new TaskAttempt(draft.taskInstanceId(), draft.attempt()),
                "{\"answer\": \"Paris is the capital of France.\"}");
        ClaimedTask review = claim(tasks, "review");
        return gale.context.getBean(Deferrals.class).defer(new TaskAttempt(review.taskInstanceId(), review.attempt()),
                HumanRequest.TRIGGER_KIND, JSON.writeValueAsString(request.toSpec()), null, Instant.now()).orElseThrow();
    }

    /** Claims the task of the newest run; what else comes (an earlier test's resumed review) is left claimed. */
    private static ClaimedTask claim(TaskExecutionService tasks, String taskId) throws Exception {
        for (int i = 0; i < 100; i++) {
            ClaimedTask newest = null;
            for (ClaimedTask c : tasks.claim("hitl-ui-test", List.of(TestDagsHitl.QUEUE), 10)) {
                if (c.taskId().equals(taskId) && (newest == null || c.taskInstanceId() > newest.taskInstanceId())) {
                    newest = c;
                }
            }
            if (newest != null) {
                return newest;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + taskId + " to claim");
    }
}

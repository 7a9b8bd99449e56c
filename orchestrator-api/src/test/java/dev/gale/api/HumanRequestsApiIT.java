package dev.gale.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gale.api.security.Role;
import dev.gale.scheduler.service.ClaimedTask;
import dev.gale.scheduler.service.Deferrals;
import dev.gale.scheduler.service.ReportOutcome;
import dev.gale.scheduler.service.TaskAttempt;
import dev.gale.scheduler.service.TaskExecutionService;
import dev.gale.sdk.HumanRequest;
import dev.gale.sdk.Param;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HITL routes on the real server and database. The test plays the worker of {@link TestDagsHitl}'s
 * review task: it claims the task and defers it on a human request through the server's {@link Deferrals},
 * as {@code ctx.awaitHuman} does, then decides over REST and sees the task resume.
 */
class HumanRequestsApiIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    static final GaleTestServer gale = GaleTestServer.perClass(Map.of("gale.scheduler.interval", "PT0.2S"), false);

    /** A review waiting on a person, in a run of its own. */
    record Pending(long id, String runId, ClaimedTask review) {
    }

    @Test
    void anApprovalResumesTheSameAttemptOnceAndRecordsWhoDecidedAndWhen() throws Exception {
        Pending pending = pendingReview(HumanRequest.ask("Publish the answer?").body("**Check** the answer.")
                .show("draft"));
        String alice = gale.token("alice", Role.OPERATOR);
        Instant before = Instant.now();

        HttpResponse<String> decided = decide(pending.id(), "{\"option\": \"approve\", \"comment\": \"fine\"}", alice);

        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);
        JsonNode request = JSON.readTree(decided.body());
        assertThat(request.get("state").asString()).isEqualTo("decided");
        JsonNode decision = request.get("decision");
        assertThat(decision.get("option").asString()).isEqualTo("approve");
        assertThat(decision.get("decidedBy").asString()).isEqualTo("alice");
        assertThat(decision.get("comment").asString()).isEqualTo("fine");
        assertThat(decision.get("timedOut").asBoolean()).isFalse();
        assertThat(Instant.parse(decision.get("decidedAt").asString())).isBetween(before, Instant.now());

        ClaimedTask resumed = claim("review");
        assertThat(resumed.runId()).isEqualTo(pending.runId());
        assertThat(resumed.attempt()).as("the same attempt resumes").isEqualTo(pending.review().attempt());

        HttpResponse<String> again = decide(pending.id(), "{\"option\": \"reject\"}", alice);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.headers().firstValue("Content-Type")).hasValueSatisfying(t ->
                assertThat(t).startsWith("application/problem+json"));
        assertThat(again.body()).contains("is decided");
        assertThat(ids("/api/v1/hitl?state=pending&dagId=" + TestDagsHitl.BY_HAND)).doesNotContain(pending.id());
        assertThat(ids("/api/v1/hitl?state=decided&dagId=" + TestDagsHitl.BY_HAND)).contains(pending.id());
    }

    @Test
    void theRequestPageShowsTheBodyTheRunAndTheUpstreamOutputItShows() throws Exception {
        Pending pending = pendingReview(HumanRequest.ask("Publish?").body("# Review\nThe *answer*.").show("draft"));

        HttpResponse<String> page = gale.get("/api/v1/hitl/" + pending.id());

        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        JsonNode detail = JSON.readTree(page.body());
        assertThat(detail.at("/request/subject").asString()).isEqualTo("Publish?");
        assertThat(detail.at("/request/body").asString()).isEqualTo("# Review\nThe *answer*.");
        assertThat(detail.at("/request/state").asString()).isEqualTo("pending");
        assertThat(detail.at("/request/taskId").asString()).isEqualTo("review");
        assertThat(detail.at("/request/options").toString()).isEqualTo("[\"approve\",\"reject\"]");
        assertThat(detail.at("/run/runId").asString()).isEqualTo(pending.runId());
        assertThat(detail.at("/run/state").asString()).isEqualTo("running");
        assertThat(detail.at("/shownOutputs/draft/answer").asString()).isEqualTo("Paris is the capital of France.");
        assertThat(gale.get("/api/v1/hitl/999999").statusCode()).isEqualTo(404);
    }

    @Test
    void aBranchOptionSkipsTheUntakenPath() throws Exception {
        Pending pending = pendingReview(HumanRequest.ask("Publish or discard?").options("publish", "discard"));
        HttpResponse<String> decided = decide(pending.id(), "{\"option\": \"discard\"}", gale.adminToken);
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);

        // What an approval task returns when it resumes: the decision, following what the untaken options do not name.
        ClaimedTask review = claim("review");
        JsonNode decision = JSON.readTree(decided.body()).get("decision");
        String output = JSON.writeValueAsString(Map.of("option", decision.get("option"), "follow", List.of("discard")));
        TaskExecutionService tasks = gale.context.getBean(TaskExecutionService.class);
        assertThat(tasks.complete(new TaskAttempt(review.taskInstanceId(), review.attempt()), output))
                .isEqualTo(ReportOutcome.ACCEPTED);

        assertThat(claim("discard").runId()).isEqualTo(pending.runId());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(taskState(pending.runId(), "publish")).isEqualTo("skipped"));
    }

    @Test
    void aFormIsValidatedNamingEachBadOptionAndValueThenTheEditedValuesAreTheDecision() throws Exception {
        Pending pending = pendingReview(HumanRequest.ask("Edit the answer").options("approve", "reject").form(
                Param.string("answer").required(), Param.integer("stars").min(1).max(5).defaultValue(3)));
        String bob = gale.token("bob", Role.OPERATOR);

        HttpResponse<String> bad = decide(pending.id(),
                "{\"option\": \"maybe\", \"values\": {\"stars\": 9, \"tone\": \"warm\"}}", bob);
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        JsonNode errors = JSON.readTree(bad.body()).get("errors");
        assertThat(errors.findValuesAsString("field"))
                .containsExactlyInAnyOrder("option", "values.tone", "values.answer", "values.stars");
        assertThat(bad.body()).contains("'maybe' is not an option of this request; choose one of [approve, reject]");
        assertThat(JSON.readTree(gale.get("/api/v1/hitl/" + pending.id()).body()).at("/request/state").asString())
                .as("a refused decision leaves the request pending").isEqualTo("pending");

        HttpResponse<String> edited = decide(pending.id(),
                "{\"option\": \"approve\", \"values\": {\"answer\": \"Paris.\"}}", bob);
        assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
        JsonNode values = JSON.readTree(edited.body()).at("/decision/values");
        assertThat(values.get("answer").asString()).isEqualTo("Paris.");
        assertThat(values.get("stars").asInt()).as("the default fills what was left out").isEqualTo(3);
    }

    @Test
    void aViewerCannotDecideAndAnAssigneeRoleRestrictsWhoMay() throws Exception {
        Pending pending = pendingReview(HumanRequest.ask("Promote the model?").assigneeRole("admin"));
        HttpResponse<String> viewer = decide(pending.id(), "{\"option\": \"approve\"}",
                gale.token("watcher", Role.VIEWER));
        assertThat(viewer.statusCode()).isEqualTo(403);
        HttpResponse<String> operator = decide(pending.id(), "{\"option\": \"approve\"}",
                gale.token("carol", Role.OPERATOR));
        assertThat(operator.statusCode()).isEqualTo(403);
        assertThat(operator.body()).contains("assigned to the admin role");

        assertThat(ids("/api/v1/hitl?state=pending&assigneeRole=admin")).contains(pending.id());
        assertThat(ids("/api/v1/hitl?state=pending&assigneeRole=operator")).doesNotContain(pending.id());
        assertThat(decide(pending.id(), "{\"option\": \"approve\"}", gale.token("dana", Role.ADMIN)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void theInboxPagesAndRefusesUnknownFilters() throws Exception {
        pendingReview(HumanRequest.ask("one"));
        pendingReview(HumanRequest.ask("two"));
        JsonNode first = JSON.readTree(gale.get("/api/v1/hitl?state=pending&limit=1").body());
        assertThat(first.get("requests")).hasSize(1);
        assertThat(first.get("requests").get(0).get("subject").asString()).as("newest first").isEqualTo("two");
        JsonNode second = JSON.readTree(gale.get("/api/v1/hitl?state=pending&limit=1&offset="
                + first.get("nextOffset").asInt()).body());
        assertThat(second.get("requests").get(0).get("subject").asString()).isEqualTo("one");
        HttpResponse<String> bad = gale.get("/api/v1/hitl?state=waiting");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("state must be pending, decided or cancelled");
    }

    /** Runs the DAG until its review waits on {@code request}, as the review task's worker would make it. */
    private static Pending pendingReview(HumanRequest request) throws Exception {
        HttpResponse<String> run = gale.post("/api/v1/dags/" + TestDagsHitl.BY_HAND + "/runs", "{}");
        assertThat(run.statusCode()).as(run.body()).isBetween(200, 201);
        String runId = JSON.readTree(run.body()).get("runId").asString();
        TaskExecutionService tasks = gale.context.getBean(TaskExecutionService.class);
        ClaimedTask draft = claim("draft");
        assertThat(draft.runId()).isEqualTo(runId);
        tasks.complete(new TaskAttempt(draft.taskInstanceId(), draft.attempt()),
                "{\"answer\": \"Paris is the capital of France.\"}");
        ClaimedTask review = claim("review");
        long id = gale.context.getBean(Deferrals.class).defer(new TaskAttempt(review.taskInstanceId(),
                review.attempt()), HumanRequest.TRIGGER_KIND, JSON.writeValueAsString(request.toSpec()), null,
                Instant.now()).orElseThrow();
        return new Pending(id, runId, review);
    }

    /** Claims the task of the newest run, keeping what else it claimed (earlier tests' leftovers) out of the way. */
    private static ClaimedTask claim(String taskId) {
        TaskExecutionService tasks = gale.context.getBean(TaskExecutionService.class);
        ClaimedTask[] claimed = new ClaimedTask[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (ClaimedTask c : tasks.claim("hitl-test", List.of(TestDagsHitl.QUEUE), 10)) {
                if (c.taskId().equals(taskId) && (claimed[0] == null || c.taskInstanceId() > claimed[0].taskInstanceId())) {
                    claimed[0] = c;
                }
            }
            return claimed[0] != null;
        });
        return claimed[0];
    }

    private static String taskState(String runId, String taskId) throws Exception {
        return JSON.readTree(gale.get("/api/v1/dags/" + TestDagsHitl.BY_HAND + "/runs/" + runId + "/tasks/" + taskId)
                .body()).get("state").asString();
    }

    private static HttpResponse<String> decide(long id, String body, String token) throws Exception {
        return gale.post("/api/v1/hitl/" + id + "/decision", body, token);
    }

    private static List<Long> ids(String path) throws Exception {
        return JSON.readTree(gale.get(path).body()).get("requests").valueStream().map(r -> r.get("id").asLong())
                .toList();
    }
}

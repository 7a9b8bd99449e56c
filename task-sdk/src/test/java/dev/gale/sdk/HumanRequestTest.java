package dev.gale.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gale.sdk.spec.TaskSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class HumanRequestTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aRequestAsksToApproveOrRejectUnlessNamedOtherwise() {
        HumanRequest request = HumanRequest.ask("Ship it?");
        assertThat(request.options()).containsExactly("approve", "reject");
        assertThat(request.options("a", "b").options()).containsExactly("a", "b");
        assertThat(request.toSpec()).doesNotContainKeys("assigneeRole", "timeoutEvent");
    }

    @Test
    void theSpecCarriesTheDefaultOutcomeWithTheFormsDefaultsAsTheTimeoutEvent() {
        Map<String, Object> spec = HumanRequest.ask("Edit").form(Param.string("answer").defaultValue("Paris."),
                        Param.integer("stars")).show("draft").assigneeRole("admin")
                .timeout(Duration.ofHours(1)).onTimeout("reject", Map.of("stars", 1)).toSpec();
        assertThat(spec).containsEntry("subject", "Edit").containsEntry("assigneeRole", "admin")
                .containsEntry("show", List.of("draft"));
        assertThat(spec.get("timeoutEvent")).isEqualTo(Map.of("option", "reject",
                "values", Map.of("answer", "Paris.", "stars", 1)));
        assertThat(JSON.writeValueAsString(spec)).contains("\"form\":[{\"name\":\"answer\",\"type\":\"string\"");
    }

    @Test
    void aBadRequestSaysWhatIsWrong() {
        assertThatThrownBy(() -> HumanRequest.ask(" ")).hasMessageContaining("needs a subject");
        assertThatThrownBy(() -> HumanRequest.ask("x").options("a", "a")).hasMessageContaining("distinct");
        assertThatThrownBy(() -> HumanRequest.ask("x").assigneeRole("viewer"))
                .hasMessageContaining("assignee role must be operator or admin");
        assertThatThrownBy(() -> HumanRequest.ask("x").timeout(Duration.ZERO)).hasMessageContaining("positive");
        assertThatThrownBy(() -> HumanRequest.ask("x").onTimeout("maybe"))
                .hasMessageContaining("'maybe' is not one of its options [approve, reject]");
    }

    @Test
    void aDecisionReadsBackFromItsJsonAsTheTaskGetsIt() {
        HumanDecision decision = JSON.readValue("{\"option\":\"approve\",\"values\":{\"answer\":\"Paris.\"},"
                + "\"decidedBy\":\"alice\",\"decidedAt\":\"2026-12-02T10:00:00Z\",\"comment\":null,\"timedOut\":false}",
                HumanDecision.class);
        assertThat(decision.is("approve")).isTrue();
        assertThat(decision.values()).containsEntry("answer", "Paris.");
        assertThat(decision.decidedAt()).hasToString("2026-12-02T10:00:00Z");
        HumanDecision timedOut = JSON.readValue("{\"option\":\"reject\",\"values\":{},\"timedOut\":true}",
                HumanDecision.class);
        assertThat(timedOut.timedOut()).isTrue();
        assertThat(timedOut.decidedBy()).isNull();
        assertThat(JSON.writeValueAsString(decision)).doesNotContain("follow");
    }

    @Test
    void anApprovalIsABranchTaskAndMayShowOnlyTasksOfItsDag() {
        DagBuilder dag = Dag.builder("reviewed");
        var draft = dag.task("draft", ctx -> "text");
        dag.approval("review", HumanRequest.ask("ok?").show("draft")).after(draft);
        TaskSpec review = dag.build().spec().task("review");
        assertThat(review.branch()).isTrue();
        assertThat(review.upstream()).containsExactly("draft");

        DagBuilder bad = Dag.builder("reviewed");
        bad.approval("review", HumanRequest.ask("ok?").show("drafts"));
        assertThatThrownBy(bad::build).isInstanceOf(DagDefinitionException.class)
                .hasMessageContaining("reviewed").hasMessageContaining("approval 'review' shows unknown task 'drafts'");
    }
}

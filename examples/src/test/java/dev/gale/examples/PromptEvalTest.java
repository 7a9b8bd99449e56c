package dev.gale.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** prompt_eval's shipped set, its exact-match scoring and its offline baseline. */
class PromptEvalTest {

    @Test
    void anAnswerMatchesByItsFirstWordWhateverItsCaseAndPunctuation() {
        assertThat(PromptEval.normalise("Billing.")).isEqualTo("billing");
        assertThat(PromptEval.normalise("  technical — the app crashes")).isEqualTo("technical");
        assertThat(PromptEval.normalise("I think this is about billing")).isEqualTo("i");
        assertThat(PromptEval.normalise("")).isEmpty();
    }

    @Test
    void theOfflineKeywordClassifierGetsSixteenOfTheTwentyShippedMessagesRight() {
        var set = PromptEval.labelledSet();
        assertThat(set).hasSize(20);
        assertThat(set).extracting(PromptEval.Labelled::label).containsOnly("billing", "technical", "account");
        assertThat(set.stream().filter(q -> PromptEval.classify(q.question()).equals(q.label()))).hasSize(16);
        assertThat(PromptEval.prompts()).extracting(PromptEval.Prompt::id)
                .containsExactly("bare", "definitions", "few-shot");
    }
}
